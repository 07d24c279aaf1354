"""cohere.ClientV2 on `POST /v2/chat` over a real socket: typed SSE events (chat_stream), the
non-stream ChatResponse (chat), tool calls with a tool plan, Cohere's `{"id", "message"}`
errors, lanes and named scenarios. The SDK builds its models without validation
(`construct_type`), so every event is also checked against the v2 reference's event shapes."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from typing import Any

import cohere
import httpx
import pytest

from mockserver import MockServer
from mockserver.sse import decode_all

COMMAND = "command-a-03-2025"
USER = [{"role": "user", "content": "Tell me about Paris"}]
WEATHER = {"name": "get_weather", "arguments": '{"city": "Paris"}'}
SSL = ssl.create_default_context()
#: event type -> its keys, in the order of the v2 reference (StreamedChatResponseV2)
SHAPES = {
    "message-start": ["id", "type", "delta"], "content-start": ["type", "index", "delta"],
    "content-delta": ["type", "index", "delta"], "content-end": ["type", "index"],
    "tool-plan-delta": ["type", "delta"], "tool-call-start": ["type", "index", "delta"],
    "tool-call-delta": ["type", "index", "delta"], "tool-call-end": ["type", "index"],
    "message-end": ["type", "delta"],
}


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(verify=SSL, timeout=5) as client:
        yield client


def client(url: str, http: httpx.Client, **kw: Any) -> cohere.ClientV2:
    return cohere.ClientV2(base_url=url, api_key="test", max_retries=0, httpx_client=http, **kw)


@pytest.fixture
def coh(server: MockServer, lane: str, http: httpx.Client) -> cohere.ClientV2:
    return client(server.url_for("", lane=lane), http)


def test_chat_stream_sends_typed_events_in_order_and_ends_with_done(
    coh: cohere.ClientV2, server: MockServer, lane: str, queue: Any
) -> None:
    queue({"text": "Bonjour ☃ Paris"})
    events = list(coh.chat_stream(model=COMMAND, messages=USER))
    assert [e.type for e in events] == ["message-start", "content-start", "content-delta",
                                        "content-delta", "content-delta", "content-end",
                                        "message-end"]
    assert "".join(e.delta.message.content.text for e in events if e.type == "content-delta") \
        == "Bonjour ☃ Paris"
    end = events[-1].delta
    assert end.finish_reason == "COMPLETE" and end.usage.billed_units.output_tokens == 3
    wire = decode_all([server.requests(lane)[-1].plan.body()])
    assert wire[-1].data == "[DONE]"
    for event in wire[:-1]:
        payload = json.loads(event.data)
        assert event.event == payload["type"] and list(payload) == SHAPES[event.event]


def test_tool_calls_stream_a_plan_then_argument_fragments(
    coh: cohere.ClientV2, server: MockServer, lane: str, queue: Any
) -> None:
    queue({"tool_calls": [WEATHER], "reasoning": "I will check the weather."}, times=2)
    events = list(coh.chat_stream(model=COMMAND, messages=USER))
    kinds = [e.type for e in events]
    assert kinds[:2] == ["message-start", "tool-plan-delta"] and "content-start" not in kinds
    start = next(e for e in events if e.type == "tool-call-start")
    call = start.delta.message.tool_calls
    assert call.function.name == "get_weather" and call.id.startswith("get_weather_")
    fragments = [e.delta.message.tool_calls.function.arguments for e in events
                 if e.type == "tool-call-delta"]
    assert "".join(fragments) == WEATHER["arguments"] and start.index == 0
    assert events[-1].delta.finish_reason == "TOOL_CALL"
    reply = coh.chat(model=COMMAND, messages=USER)
    assert reply.message.tool_plan == "I will check the weather."
    assert reply.message.tool_calls[0].function.arguments == WEATHER["arguments"]
    assert reply.finish_reason == "TOOL_CALL"


def test_chat_without_stream_is_one_chat_response(coh: cohere.ClientV2, queue: Any) -> None:
    queue({"text": "Paris is the capital."})
    reply = coh.chat(model=COMMAND, messages=USER)
    assert reply.message.content[0].text == "Paris is the capital."
    assert reply.finish_reason == "COMPLETE" and len(reply.id) == 36
    assert reply.usage.tokens.input_tokens > reply.usage.billed_units.input_tokens


def test_unknown_model_and_bad_input_get_coheres_error_body(
    coh: cohere.ClientV2, server: MockServer, lane: str, http: httpx.Client
) -> None:
    with pytest.raises(cohere.NotFoundError) as raised:
        coh.chat(model="command-nope", messages=USER)
    assert raised.value.body["message"].startswith("model 'command-nope' not found")
    url = server.url_for("/v2/chat", lane=lane)
    for body, message in (
        ({"messages": USER}, "invalid request: model must be specified"),
        ({"model": COMMAND, "messages": []}, "invalid request: messages must be a non-empty list"),
        ({"model": COMMAND, "messages": [{"role": "bot", "content": "x"}]},
         "invalid request: messages[0].role must be one of system, user, assistant, tool"),
        ({"model": COMMAND, "messages": USER, "temperature": "hot"},
         "invalid request: temperature must be a number"),
        ({"model": COMMAND, "messages": USER, "p": 2},
         "invalid request: p must be between 0.01 and 0.99"),
    ):
        reply = http.post(url, json=body)
        assert reply.status_code == 400 and reply.json()["message"] == message
        assert list(reply.json()) == ["id", "message"]
    with pytest.raises(cohere.BadRequestError):
        coh.chat(model=COMMAND, messages=[{"role": "user", "content": "x"}], temperature=-1)


def test_keys_named_scenarios_lanes_and_the_fault_header_reach_the_cohere_route(
    server: MockServer, lane: str, http: httpx.Client
) -> None:
    named = client(server.url_for("/scenario/hello-stream", lane=lane), http)
    assert named.chat(model=COMMAND, messages=USER).message.content[0].text == (
        "Hello there, world!")
    fault = {"additional_headers": {"X-Mock-Fault": "error_event(at=3)"}}
    events = list(client(server.url_for("", lane=lane), http).chat_stream(
        model=COMMAND, messages=USER, request_options=fault))
    assert events[-1].type == "message-end" and events[-1].delta.finish_reason == "ERROR"
    assert events[-1].delta.error  # Cohere reports it in-band; the SDK does not raise
    assert [r.lane for r in server.requests(lane)] == [lane, lane]
    with MockServer(api_key="sekret") as keyed:
        with pytest.raises(cohere.UnauthorizedError) as raised:
            client(keyed.url, http).chat(model=COMMAND, messages=USER)
        assert raised.value.body["message"] == "invalid api token"
        good = cohere.ClientV2(base_url=keyed.url, api_key="sekret", httpx_client=http)
        assert good.chat(model=COMMAND, messages=USER).finish_reason == "COMPLETE"
        keyed.check()
