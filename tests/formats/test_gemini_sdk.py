"""google-genai on the Gemini routes over a real socket: streamGenerateContent (CRLF SSE),
generateContent, function calls, the model catalogue on /v1 and /v1beta, API keys, Google's
errors, lanes and named scenarios. Every payload is also validated strictly: google-genai's own
pydantic types forbid unknown fields (`extra="forbid"`), so a misspelt field fails here."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from google import genai
from google.genai import errors, types

from mockserver import MockServer
from mockserver.sse import decode_all

FLASH = "gemini-2.5-flash"
WEATHER = {"name": "get_weather", "arguments": '{"city": "Paris"}'}
STREAM = f"/v1beta/models/{FLASH}:streamGenerateContent?alt=sse"


SSL = ssl.create_default_context()  # one for the module: the SDK builds three per client


def client(url: str, **options: Any) -> genai.Client:
    return genai.Client(api_key="test", http_options={
        "base_url": url, "timeout": 5000, "client_args": {"verify": SSL},
        "async_client_args": {"verify": SSL, "ssl": SSL}, **options})


@pytest.fixture
def gem(server: MockServer, lane: str) -> Iterator[genai.Client]:
    with client(server.url_for("", lane=lane)) as made:
        yield made


@pytest.fixture(scope="module")
def raw() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5, verify=SSL) as client:
        yield client


def sent(server: MockServer, lane: str, index: int = -1) -> bytes:
    return server.requests(lane)[index].plan.body()


def strict(payload: dict[str, Any]) -> types.GenerateContentResponse:
    """Validate a wire payload with the SDK's own types, unknown fields forbidden."""
    return types.GenerateContentResponse.model_validate(payload)


def test_stream_yields_one_chunk_per_piece_with_cumulative_usage_and_a_final_finish(
    gem: genai.Client, server: MockServer, lane: str, queue: Any
) -> None:
    queue({"text": "Bonjour ☃ le monde"})
    chunks = list(gem.models.generate_content_stream(model=FLASH, contents="Say hi"))
    assert [c.text for c in chunks] == ["Bonjour", " ☃", " le", " monde"]
    assert [c.candidates[0].finish_reason for c in chunks][-2:] == [None, types.FinishReason.STOP]
    assert [c.usage_metadata.candidates_token_count for c in chunks] == [1, 2, 3, 4]
    assert {c.response_id for c in chunks} == {chunks[0].response_id}
    assert chunks[0].model_version == FLASH
    body = sent(server, lane)
    assert body.count(b"\r\n\r\n") == 4 and b"\n\n" not in body.replace(b"\r\n", b"")
    assert "☃".encode() in body  # raw UTF-8, never \u2603


def test_every_chunk_and_body_validates_with_unknown_fields_forbidden(
    gem: genai.Client, server: MockServer, lane: str, queue: Any
) -> None:
    queue({"text": "Checking.", "tool_calls": [WEATHER], "reasoning": "Think."}, times=2)
    list(gem.models.generate_content_stream(model=FLASH, contents="Weather?"))
    events = decode_all([sent(server, lane)])
    for event in events:
        strict(json.loads(event.data))
    gem.models.generate_content(model=FLASH, contents="Weather?")
    body = sent(server, lane)
    assert body.startswith(b'{\n  "candidates": [\n') and body.endswith(b"}\n")
    assert strict(json.loads(body)).usage_metadata.thoughts_token_count == 1


def test_function_calls_arrive_whole_in_one_chunk_and_in_the_body(
    gem: genai.Client, queue: Any
) -> None:
    queue({"tool_calls": [WEATHER, {"name": "get_time", "arguments": "{}"}]}, times=2)
    chunks = list(gem.models.generate_content_stream(model=FLASH, contents="Weather?"))
    assert len(chunks) == 1
    calls = chunks[0].function_calls
    assert [(c.name, c.args) for c in calls] == [("get_weather", {"city": "Paris"}),
                                                 ("get_time", {})]
    assert chunks[0].candidates[0].finish_reason == types.FinishReason.STOP
    reply = gem.models.generate_content(model=FLASH, contents="Weather?")
    assert reply.function_calls[0].args == {"city": "Paris"}
    assert reply.candidates[0].content.parts[0].thought_signature


@pytest.mark.parametrize("version", ["v1", "v1beta"])
def test_models_are_listed_and_described_on_both_api_versions(
    server: MockServer, lane: str, version: str
) -> None:
    with client(server.url_for("", lane=lane), api_version=version) as made:
        names = [m.name for m in made.models.list()]
        assert "models/gemini-2.5-flash" in names and "models/gemini-2.5-pro" in names
        model = made.models.get(model="gemini-2.5-pro")
        assert model.display_name == "Gemini 2.5 Pro" and model.output_token_limit == 65536
        reply = made.models.generate_content(model=FLASH, contents="Hi")
        assert reply.text == "You said: Hi"
    assert {e.path.split("/")[3] for e in server.requests(lane)} == {version}


def test_unknown_model_is_googles_404_not_found(gem: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as raised:
        gem.models.generate_content(model="gemini-0.1-nope", contents="Hi")
    assert raised.value.code == 404 and raised.value.status == "NOT_FOUND"
    assert raised.value.message.startswith("models/gemini-0.1-nope is not found")
    with pytest.raises(errors.ClientError):
        gem.models.get(model="gemini-0.1-nope")


@pytest.mark.parametrize(("body", "message"), [
    (b"{nope", "Invalid JSON payload received. Unexpected token."),
    (b'{"contents": [{"parts": [{"text": "x"}]}], "temprature": 1}',
     'Invalid JSON payload received. Unknown name "temprature": Cannot find field.'),
    (b"{}", "* GenerateContentRequest.contents: contents is not specified\n"),
    (b'{"contents": [{"role": "user", "parts": []}]}',
     "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n"),
    (b'{"contents": [{"role": "bot", "parts": [{"text": "x"}]}]}',
     "Please use a valid role: user, model."),
    (b'{"contents": [{"parts": [{"text": "x"}]}], "generationConfig": {"temperature": "hot"}}',
     "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\""),
])
def test_bad_input_gets_googles_400_invalid_argument(
    server: MockServer, lane: str, raw: httpx.Client, body: bytes, message: str
) -> None:
    reply = raw.post(server.url_for(STREAM, lane=lane), content=body)
    assert reply.status_code == 400
    assert reply.headers["content-type"] == "application/json; charset=UTF-8"
    assert reply.json() == {"error": {"code": 400, "message": message,
                                      "status": "INVALID_ARGUMENT"}}
    assert reply.text.startswith('{\n  "error": {\n    "code": 400,')


def test_api_key_goes_in_the_header_or_the_key_parameter(raw: httpx.Client) -> None:
    with MockServer(api_key="sekret") as keyed:
        url = keyed.url_for(f"/v1beta/models/{FLASH}:generateContent")
        body = {"contents": [{"parts": [{"text": "Hi"}]}]}
        assert raw.post(f"{url}?key=sekret", json=body).status_code == 200
        with client(keyed.url, headers={"x-goog-api-key": "sekret"}) as made:
            assert made.models.generate_content(model=FLASH, contents="Hi").text
        missing = raw.post(url, json=body)
        assert missing.status_code == 403 and missing.json()["error"]["status"] == (
            "PERMISSION_DENIED")
        with client(keyed.url) as wrong, pytest.raises(errors.ClientError) as raised:
            wrong.models.generate_content(model=FLASH, contents="Hi")
        assert raised.value.code == 400
        assert raised.value.details["error"]["details"][0]["reason"] == "API_KEY_INVALID"
        keyed.check()


def test_named_scenarios_lanes_and_the_fault_header_reach_the_gemini_routes(
    server: MockServer, lane: str
) -> None:
    with client(server.url_for("/scenario/hello-stream", lane=lane)) as named:
        text = "".join(c.text for c in named.models.generate_content_stream(
            model=FLASH, contents="Hi"))
        assert text == "Hello there, world!"
    with client(server.url_for("/scenario/rate-limited")) as limited, \
            pytest.raises(errors.ClientError) as raised:
        limited.models.generate_content(model=FLASH, contents="Hi")
    assert raised.value.code == 429 and raised.value.status == "RESOURCE_EXHAUSTED"
    with client(server.url_for("", lane=lane),
                headers={"X-Mock-Fault": "gemini_blocked(at=2)"}) as faulty:
        chunks = list(faulty.models.generate_content_stream(model=FLASH, contents="a b c"))
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.SAFETY
    assert [r.lane for r in server.requests(lane)] == [lane, lane]
    assert server.requests(lane)[-1].faults == ("gemini_blocked(at=2)",)
