"""Request bodies are strict JSON, as the real API parses them (SPEC 8): NaN, Infinity,
numbers that overflow, lone surrogates, invalid UTF-8 and nesting past 256 levels get a 400
`invalid_request_error` in the route's own error shape, one log line without a traceback,
and a journal that stays readable as strict JSON.

The SDKs cannot send these bodies (openai-python and anthropic refuse NaN and lone surrogates
while encoding), so raw bodies go over httpx: what a hand-written client, a proxy or a
fuzzer sends."""

from __future__ import annotations

import logging
import uuid

import httpx
import pytest
from _hostile import assert_still_serving, strict_journal
from hostile_inputs import shape_problem

from mockserver import MockServer
from mockserver.core.formats import FORMATS

CHAT = b'{"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}]'


def saying(content: bytes) -> bytes:
    """A chat body whose user message is `content`, inserted as raw bytes."""
    return b'{"model":"gpt-4.1","messages":[{"role":"user","content":"' + content + b'"}]}'


HOSTILE = {
    "nan": CHAT + b',"temperature":NaN}',
    "infinity": CHAT + b',"temperature":Infinity}',
    "minus_infinity": CHAT + b',"temperature":-Infinity}',
    "overflow": CHAT + b',"temperature":1e999}',
    "lone_surrogate_escape": saying(b"\\ud800"),
    "lone_low_surrogate": saying(b"a\\udc00"),
    "surrogate_as_utf8": saying(b"\xed\xa0\x80"),
    "not_utf8": saying(b"\xff\xfe"),
    "deep_1000": b"[" * 1000 + b"]" * 1000,
    "deep_object_100000": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep_257": CHAT + b',"metadata":{"x":' + b"[" * 257 + b"]" * 257 + b"}}",
}
ROUTES = ["/chat/completions", "/completions", "/responses", "/embeddings"]
#: the formats tested one by one above; every other POST route of the format registry
#: (Gemini, Ollama, Cohere, Bedrock, Azure, and whatever provider is added later) is tested
#: from the registry below
_OWN_TESTS = {"chat", "completions", "responses", "embeddings", "messages"}
#: a model id for the routes that name one in their path
_PATH_MODELS = {"gemini": "gemini-2.5-flash", "bedrock_converse":
                "anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock_invoke":
                "anthropic.claude-sonnet-4-5-20250929-v1:0"}
#: what each provider calls a malformed request (Azure and the formats not named: OpenAI's)
_INVALID = {"gemini": ("status", "INVALID_ARGUMENT"), "bedrock_converse": ("header",
            "ValidationException"), "bedrock_invoke": ("header", "ValidationException")}


def _provider_paths() -> list[tuple[str, str]]:
    """(format name, path) of every provider POST route, its path parameters filled in."""
    found = []
    for fmt in FORMATS.values():
        for route in fmt.routes:
            if fmt.name in _OWN_TESTS or "POST" not in route.methods:
                continue
            path = route.pattern
            while "{" in path:
                start, end = path.index("{"), path.index("}")
                path = path[:start] + _PATH_MODELS.get(fmt.name, "gpt-4.1") + path[end + 1:]
            if path.startswith("/openai/"):  # Azure answers 404 without its api-version
                path += "?api-version=2024-10-21"
            found.append((fmt.name, path))
    return found


PROVIDER_PATHS = _provider_paths()


@pytest.fixture
def lane() -> str:
    return f"strict-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("route", ROUTES)
def test_openai_routes_refuse_non_strict_json_with_400_in_their_own_shape(
    server: MockServer, lane: str, route: str
) -> None:
    url = server.lane_base_url(lane) + route
    with httpx.Client(timeout=10, headers={"content-type": "application/json"}) as client:
        for name, body in HOSTILE.items():
            reply = client.post(url, content=body)
            assert reply.status_code == 400, (name, reply.text[:300])
            error = reply.json()["error"]
            assert set(error) == {"message", "type", "param", "code"}
            assert error["type"] == "invalid_request_error"
            assert "could not parse the JSON body" in error["message"], name
    journal = strict_journal(server.url, lane)
    assert [e["status"] for e in journal["requests"]] == [400] * len(HOSTILE)
    assert_still_serving(server)


def test_anthropic_messages_refuses_non_strict_json_in_anthropic_shape(
    server: MockServer, lane: str
) -> None:
    url = server.lane_base_url(lane) + "/messages"
    with httpx.Client(timeout=10, headers={"content-type": "application/json"}) as client:
        for name, body in HOSTILE.items():
            reply = client.post(url, content=body)
            assert reply.status_code == 400, (name, reply.text[:300])
            assert reply.json()["type"] == "error"
            assert reply.json()["error"]["type"] == "invalid_request_error"
    assert len(strict_journal(server.url, lane)["requests"]) == len(HOSTILE)


def test_the_registry_has_provider_routes_to_test() -> None:
    names = {name for name, _ in PROVIDER_PATHS}
    assert {"gemini", "ollama", "cohere", "bedrock_converse", "bedrock_invoke",
            "azure_chat"} <= names, names


@pytest.mark.parametrize(("fmt", "path"), PROVIDER_PATHS, ids=[p for _, p in PROVIDER_PATHS])
def test_provider_routes_refuse_non_strict_json_with_400_in_their_own_shape(
    server: MockServer, lane: str, fmt: str, path: str
) -> None:
    url = f"{server.url}/lane/{lane}{path}"
    with httpx.Client(timeout=10, headers={"content-type": "application/json"}) as client:
        for name, body in HOSTILE.items():
            reply = client.post(url, content=body)
            assert reply.status_code == 400, (name, reply.text[:300])
            problem = shape_problem(path, 400, reply.headers, reply.content)
            assert problem is None, (name, problem)
            where, invalid = _INVALID.get(fmt, ("", ""))
            if where == "status":
                assert reply.json()["error"]["status"] == invalid, name
            elif where == "header":
                assert reply.headers["x-amzn-errortype"].startswith(invalid), name
            elif fmt.startswith("azure"):
                assert reply.json()["error"]["type"] == "invalid_request_error", name
    journal = strict_journal(server.url, lane)
    assert [e["status"] for e in journal["requests"]] == [400] * len(HOSTILE)
    assert_still_serving(server)


def test_a_body_256_levels_deep_is_accepted(server: MockServer, lane: str) -> None:
    inner = b"[" * 254 + b"]" * 254  # metadata's object and the body make 256
    body = CHAT + b',"metadata":{"x":' + inner + b"}}"
    reply = httpx.post(server.lane_base_url(lane) + "/chat/completions", content=body,
                       headers={"content-type": "application/json"}, timeout=10)
    assert reply.status_code == 200, reply.text[:300]


def test_paired_surrogate_escapes_are_one_character_and_accepted(
    server: MockServer, lane: str
) -> None:
    body = saying(b"\\ud83d\\ude00")
    reply = httpx.post(server.lane_base_url(lane) + "/chat/completions", content=body,
                       headers={"content-type": "application/json"}, timeout=10)
    assert reply.status_code == 200
    assert "\U0001f600" in reply.json()["choices"][0]["message"]["content"]


def test_a_bad_body_is_one_log_line_with_its_reason_and_no_traceback(
    logging_server: MockServer, server_log: pytest.LogCaptureFixture
) -> None:
    for body in (HOSTILE["deep_object_100000"], HOSTILE["lone_surrogate_escape"]):
        reply = httpx.post(logging_server.base_url + "/chat/completions", content=body,
                           headers={"content-type": "application/json"}, timeout=10)
        assert reply.status_code == 400
    records = [r for r in server_log.records if r.name == "mockserver"]
    assert len(records) == 2
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in records)
    lines = [r.getMessage() for r in records]
    assert 'status=400' in lines[0] and 'detail="nested deeper than 256 levels"' in lines[0]
    assert "lone UTF-16 surrogate" in lines[1]
    logging_server.check()  # nothing went wrong inside the server


def test_the_journal_keeps_a_refused_body_as_escaped_text(server: MockServer, lane: str) -> None:
    httpx.post(server.lane_base_url(lane) + "/chat/completions", content=HOSTILE["not_utf8"],
               headers={"content-type": "application/json"}, timeout=10)
    entry = strict_journal(server.url, lane)["requests"][0]
    assert entry["body"] == HOSTILE["not_utf8"].decode("utf-8", "backslashreplace")
    assert "\\xff\\xfe" in entry["body"]
