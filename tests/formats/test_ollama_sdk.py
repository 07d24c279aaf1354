"""ollama-python on Ollama's routes over a real socket: /api/chat and /api/generate as NDJSON
(stream) and one JSON object (`"stream": false`), tool calls, /api/tags and /api/show, Ollama's
`{"error"}` bodies, lanes and named scenarios. ollama-python validates loosely (extra fields are
ignored), so the NDJSON lines are also checked against the field order of Ollama's Go structs."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import ollama
import pytest

from mockserver import MockServer

SSL = ssl.create_default_context()  # one for the module (each costs ~100 ms)
LLAMA = "llama3.2"
USER = [{"role": "user", "content": "Say <hi> & bye"}]
WEATHER = {"name": "get_weather", "arguments": '{"city": "Paris"}'}
CHAT_KEYS = ["model", "created_at", "message", "done"]
LAST_KEYS = ["model", "created_at", "message", "done", "done_reason", "total_duration",
             "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count",
             "eval_duration"]


@pytest.fixture
def oll(server: MockServer, lane: str) -> Iterator[ollama.Client]:
    with httpx.HTTPTransport(verify=SSL) as transport:
        yield ollama.Client(host=server.url_for("", lane=lane), timeout=5, transport=transport)


@pytest.fixture(scope="module")
def raw() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5, verify=SSL) as client:
        yield client


def lines(server: MockServer, lane: str) -> list[bytes]:
    body = server.requests(lane)[-1].plan.body()
    assert body.endswith(b"\n")
    return body[:-1].split(b"\n")


def test_chat_streams_ndjson_lines_ending_with_done_and_its_counters(
    oll: ollama.Client, server: MockServer, lane: str, queue: Any
) -> None:
    queue({"text": "Bonjour <le> monde"})
    parts = list(oll.chat(model=LLAMA, messages=USER, stream=True))
    assert [p.message.content for p in parts] == ["Bonjour", " <le>", " monde", ""]
    assert [p.done for p in parts] == [False, False, False, True]
    last = parts[-1]
    assert last.done_reason == "stop" and last.eval_count == 3 and last.model == LLAMA
    assert last.total_duration > last.eval_duration > 0 and last.prompt_eval_count > 0
    raw = lines(server, lane)
    assert [list(json.loads(line)) for line in raw] == [CHAT_KEYS] * 3 + [LAST_KEYS]
    assert b"\\u003cle\\u003e" in raw[1]  # Go's json.Marshal escapes <, > and &
    assert server.requests(lane)[-1].plan.start.header("content-type") == "application/x-ndjson"


def test_chat_without_stream_is_one_json_object_with_the_whole_text(
    oll: ollama.Client, server: MockServer, lane: str, queue: Any
) -> None:
    queue({"text": "All at once."})
    reply = oll.chat(model=LLAMA, messages=USER)
    assert reply.message.content == "All at once." and reply.done and reply.done_reason == "stop"
    start = server.requests(lane)[-1].plan.start
    assert start.header("content-type") == "application/json; charset=utf-8"
    assert json.loads(server.requests(lane)[-1].plan.body())["done"] is True


def test_chat_tool_calls_arrive_whole_with_object_arguments(
    oll: ollama.Client, queue: Any
) -> None:
    queue({"tool_calls": [WEATHER]}, times=2)
    parts = list(oll.chat(model=LLAMA, messages=USER, stream=True, tools=[{
        "type": "function", "function": {"name": "get_weather", "parameters": {}}}]))
    calls = [c for p in parts for c in p.message.tool_calls or ()]
    assert [(c.function.name, c.function.arguments) for c in calls] == [
        ("get_weather", {"city": "Paris"})]
    reply = oll.chat(model=LLAMA, messages=USER)
    assert reply.message.tool_calls[0].function.arguments == {"city": "Paris"}


def test_generate_streams_response_fragments_and_a_context(
    oll: ollama.Client, queue: Any
) -> None:
    queue({"text": "Because."}, times=2)
    parts = list(oll.generate(model=LLAMA, prompt="Why?", stream=True))
    assert "".join(p.response for p in parts) == "Because." and parts[-1].done
    assert parts[-1].context and all(isinstance(t, int) for t in parts[-1].context)
    assert oll.generate(model=f"{LLAMA}:latest", prompt="Why?").response == "Because."


def test_tags_show_and_the_model_load_answers(oll: ollama.Client) -> None:
    names = [m.model for m in oll.list().models]
    assert "llama3.2:latest" in names and "qwen3:latest" in names
    shown = oll.show(LLAMA)
    assert shown.details.family == "llama" and "tools" in shown.capabilities
    assert shown.modelinfo["llama.context_length"] == 131072
    loaded = oll.chat(model=LLAMA, messages=[])
    assert loaded.done and loaded.done_reason == "load" and loaded.message.content == ""
    with pytest.raises(ollama.ResponseError) as raised:
        oll.show("nope")
    assert raised.value.status_code == 404


def test_unknown_model_is_ollamas_404_on_chat_and_generate(oll: ollama.Client) -> None:
    for call in (lambda: oll.chat(model="nope", messages=USER),
                 lambda: list(oll.generate(model="nope", prompt="x", stream=True))):
        with pytest.raises(ollama.ResponseError) as raised:
            call()
        assert raised.value.status_code == 404 and raised.value.error == "model 'nope' not found"


@pytest.mark.parametrize(("body", "status", "error"), [
    ({"messages": USER}, 400, "model is required"),
    ({"model": 7, "messages": USER}, 400,
     "json: cannot unmarshal number into Go struct field ChatRequest.model of type string"),
    ({"model": LLAMA, "messages": "hi"}, 400,
     "json: cannot unmarshal string into Go struct field ChatRequest.messages of type "
     "[]api.Message"),
    ({"model": LLAMA, "messages": [{"role": "user", "content": 3}]}, 400,
     "json: cannot unmarshal number into Go struct field ChatRequest.messages.content of type "
     "string"),
    ({"model": LLAMA, "messages": USER, "stream": "yes"}, 400,
     "json: cannot unmarshal string into Go struct field ChatRequest.stream of type bool"),
])
def test_bad_input_gets_ollamas_error_body(
    server: MockServer, lane: str, raw: httpx.Client, body: dict[str, Any], status: int,
    error: str,
) -> None:
    reply = raw.post(server.url_for("/api/chat", lane=lane), json=body)
    assert reply.status_code == status and reply.json() == {"error": error}
    broken = raw.post(server.url_for("/api/generate", lane=lane), content=b"{")
    assert broken.status_code == 400 and set(broken.json()) == {"error"}


def test_named_scenarios_lanes_keys_and_the_fault_header_reach_the_ollama_routes(
    server: MockServer, lane: str
) -> None:
    with httpx.HTTPTransport(verify=SSL) as transport:
        named = ollama.Client(host=server.url_for("/scenario/hello-stream", lane=lane),
                              transport=transport)
        assert named.chat(model=LLAMA, messages=USER).message.content == "Hello there, world!"
        faulty = ollama.Client(host=server.url_for("", lane=lane), transport=transport,
                               headers={"X-Mock-Fault": "error_event(at=2)"})
        with pytest.raises(ollama.ResponseError) as raised:
            list(faulty.chat(model=LLAMA, messages=USER, stream=True))
        assert "an error was encountered while running the model" in raised.value.error
    assert [r.lane for r in server.requests(lane)] == [lane, lane]
    with MockServer(api_key="sekret") as keyed, httpx.HTTPTransport(verify=SSL) as transport:
        anonymous = ollama.Client(host=keyed.url, transport=transport)
        with pytest.raises(ollama.ResponseError) as raised:
            anonymous.chat(model=LLAMA, messages=USER)
        assert raised.value.status_code == 401 and raised.value.error == "unauthorized"
        signed = ollama.Client(host=keyed.url, transport=transport,
                               headers={"Authorization": "Bearer sekret"})
        assert signed.chat(model=LLAMA, messages=USER).done
        keyed.check()
