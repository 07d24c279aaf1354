"""Bad input gets a clear OpenAI-format error (4xx, never 500) and the server keeps serving
(SPEC 2.2)."""

from __future__ import annotations

import socket

import httpx
import openai
import pytest

from mockserver import MockServer

GOOD = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "Hi"}]}


def assert_openai_error(response: httpx.Response, status: int, param: str | None = None) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["message"]
    if param is not None:
        assert error["param"] == param
    return error


@pytest.fixture
def http(server: MockServer):  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        yield client
    # the server still answers a good request after every bad one
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        assert client.post("/chat/completions", json=GOOD).status_code == 200


def test_invalid_json_is_400(http: httpx.Client) -> None:
    response = http.post(
        "/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    error = assert_openai_error(response, 400)
    assert "could not parse the JSON body" in error["message"]


def test_json_that_is_not_an_object_is_400(http: httpx.Client) -> None:
    assert_openai_error(http.post("/chat/completions", json=[1, 2]), 400)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        (
            "temperature",
            "hot",
            "Invalid type for 'temperature': expected a decimal, but got a string",
        ),
        ("temperature", 5, "decimal above maximum value"),
        ("top_p", -1, "below minimum value"),
        ("n", 1.5, "expected an integer"),
        ("stream", "yes", "expected a boolean"),
        ("max_tokens", 0, "below minimum value"),
        ("tools", {}, "expected an array"),
    ],
)
def test_wrong_types_and_ranges_name_the_field(
    http: httpx.Client, field: str, value: object, words: str
) -> None:
    response = http.post("/chat/completions", json={**GOOD, field: value})
    error = assert_openai_error(response, 400, param=field)
    assert words in error["message"]


def test_missing_model_and_messages(http: httpx.Client) -> None:
    error = assert_openai_error(
        http.post("/chat/completions", json={"messages": GOOD["messages"]}), 400
    )
    assert "model" in error["message"]
    assert_openai_error(
        http.post("/chat/completions", json={"model": "gpt-4.1"}), 400, param="messages"
    )
    assert_openai_error(
        http.post("/chat/completions", json={**GOOD, "messages": []}), 400, param="messages"
    )
    bad_role = {**GOOD, "messages": [{"role": "robot", "content": "x"}]}
    assert_openai_error(
        http.post("/chat/completions", json=bad_role), 400, param="messages[0].role"
    )


def test_stream_options_without_stream_is_400(http: httpx.Client) -> None:
    body = {**GOOD, "stream_options": {"include_usage": True}}
    assert_openai_error(http.post("/chat/completions", json=body), 400, param="stream_options")


def test_oversized_body_is_413(http: httpx.Client) -> None:
    big = {**GOOD, "messages": [{"role": "user", "content": "x" * (1024 * 1024 + 10)}]}
    assert_openai_error(http.post("/chat/completions", json=big), 413)


def test_unknown_route_is_404_and_wrong_method_405(http: httpx.Client) -> None:
    assert_openai_error(http.post("/nope", json=GOOD), 404)
    assert_openai_error(http.get("/chat/completions"), 405)
    assert_openai_error(http.delete("/embeddings"), 405)


def test_sdk_sees_typed_errors_for_bad_input(server: MockServer, sdk) -> None:  # type: ignore[no-untyped-def]
    client = sdk(server.base_url)
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="gpt-4.1", messages=GOOD["messages"], temperature="hot"
        )  # type: ignore[arg-type]
    assert info.value.param == "temperature"
    with pytest.raises(openai.BadRequestError):
        client.embeddings.create(model="text-embedding-3-small", input=[])


def test_garbage_bytes_and_half_requests_do_not_hurt_the_server(server: MockServer) -> None:
    for payload in (
        b"\x00\xff garbage\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\ncontent-length: 50\r\n\r\n{",
    ):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            try:
                while sock.recv(4096):
                    pass
            except OSError:
                pass
    with httpx.Client(timeout=5) as client:
        assert client.post(f"{server.base_url}/chat/completions", json=GOOD).status_code == 200
    server.check()
