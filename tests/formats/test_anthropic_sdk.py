"""anthropic-python (strict validation) on `POST /v1/messages` over a real socket: raw events,
the `messages.stream()` accumulator, non-stream bodies, Anthropic errors (openai-wire.md 6.9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anthropic
import httpx
import httpx2
import pytest

from mockserver import MockServer

CLAUDE = "claude-sonnet-4.5"
USER = [{"role": "user", "content": "Tell me about Paris"}]
WEATHER = {"name": "get_weather", "arguments": '{"city": "Paris", "unit": "celsius"}'}
Queue = Callable[..., None]


def test_messages_stream_yields_named_events_in_order(
    ant: anthropic.Anthropic, queue: Queue
) -> None:
    queue({"text": "Hello there"})
    events = list(ant.messages.create(model=CLAUDE, max_tokens=64, messages=USER, stream=True))
    assert [e.type for e in events] == [
        "message_start", "content_block_start", "content_block_delta", "content_block_delta",
        "content_block_stop", "message_delta", "message_stop",
    ]  # the ping after the first content_block_start is skipped by the SDK
    assert events[0].message.id.startswith("msg_01") and events[0].message.usage.output_tokens == 1
    assert [e.delta.text for e in events if e.type == "content_block_delta"] == ["Hello", " there"]
    assert events[-2].delta.stop_reason == "end_turn"
    assert events[-2].usage.output_tokens == 2


def test_messages_stream_helper_accumulates_text(ant: anthropic.Anthropic, queue: Queue) -> None:
    queue({"chunks": ["Bon", "jour", " ☃ 世界"]})
    with ant.messages.stream(model=CLAUDE, max_tokens=64, messages=USER) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Bonjour ☃ 世界"
    assert final.content[0].type == "text" and final.content[0].text == "Bonjour ☃ 世界"
    assert final.stop_reason == "end_turn" and final.model == CLAUDE


def test_messages_tool_use_streams_partial_json(ant: anthropic.Anthropic, queue: Queue) -> None:
    queue({"text": "Checking.", "tool_calls": [WEATHER]})
    with ant.messages.stream(model=CLAUDE, max_tokens=64, messages=USER) as stream:
        partial = [e.delta.partial_json for e in stream
                   if e.type == "content_block_delta" and e.delta.type == "input_json_delta"]
        final = stream.get_final_message()
    assert partial[0] == "" and "".join(partial) == WEATHER["arguments"]
    tool = final.content[1]
    assert tool.type == "tool_use" and tool.name == "get_weather"
    assert tool.input == {"city": "Paris", "unit": "celsius"}
    assert tool.id.startswith("toolu_01")
    assert final.stop_reason == "tool_use"


def test_messages_reasoning_becomes_a_thinking_block(
    ant: anthropic.Anthropic, queue: Queue
) -> None:
    queue({"text": "Answer.", "reasoning": "Let me think."})
    with ant.messages.stream(model=CLAUDE, max_tokens=64, messages=USER) as stream:
        final = stream.get_final_message()
    assert [b.type for b in final.content] == ["thinking", "text"]
    thinking = final.content[0]
    assert thinking.type == "thinking" and thinking.thinking == "Let me think."
    assert thinking.signature


def test_messages_length_finish_is_max_tokens(ant: anthropic.Anthropic, queue: Queue) -> None:
    queue({"text": "cut", "finish_reason": "length"})
    message = ant.messages.create(model=CLAUDE, max_tokens=1, messages=USER)
    assert message.stop_reason == "max_tokens"


def test_messages_non_stream_body_passes_strict_validation(
    ant: anthropic.Anthropic, queue: Queue
) -> None:
    queue({"text": "Sure.", "tool_calls": [WEATHER]})
    raw = ant.messages.with_raw_response.create(model=CLAUDE, max_tokens=64, messages=USER)
    message = raw.parse()
    assert raw.headers["request-id"].startswith("req_")
    assert "x-request-id" not in raw.headers and "openai-version" not in raw.headers
    assert message.type == "message" and message.role == "assistant"
    assert [b.type for b in message.content] == ["text", "tool_use"]
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0


def test_messages_default_reply_echoes_the_last_user_message(ant: anthropic.Anthropic) -> None:
    message = ant.messages.create(model=CLAUDE, max_tokens=64, messages=USER)
    assert message.content[0].type == "text"
    assert message.content[0].text == "You said: Tell me about Paris"


def test_messages_unknown_model_is_anthropic_not_found(ant: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as info:
        ant.messages.create(model="claude-nope", max_tokens=64, messages=USER)
    body: Any = info.value.body
    assert body["type"] == "error"
    assert body["error"] == {"type": "not_found_error", "message": "model: claude-nope"}
    assert body["request_id"] == info.value.request_id


def test_messages_missing_max_tokens_is_anthropic_invalid_request(
    server: MockServer, lane: str
) -> None:
    response = httpx.post(
        server.url_for("/v1/messages", lane=lane),
        json={"model": CLAUDE, "messages": USER}, timeout=10,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == {
        "type": "invalid_request_error", "message": "max_tokens: Field required",
    }
    assert body["request_id"] == response.headers["request-id"]


def test_messages_wrong_api_key_is_authentication_error() -> None:
    with MockServer(api_key="sk-right") as keyed:
        client = anthropic.Anthropic(base_url=keyed.url, api_key="sk-wrong", max_retries=0)
        with client, pytest.raises(anthropic.AuthenticationError) as info:
            client.messages.create(model=CLAUDE, max_tokens=64, messages=USER)
        good = anthropic.Anthropic(base_url=keyed.url, api_key="sk-right", max_retries=0)
        with good:
            assert good.messages.create(model=CLAUDE, max_tokens=8, messages=USER).content
    body: Any = info.value.body
    assert body["error"]["type"] == "authentication_error"


def test_messages_in_stream_error_event_raises_status_error(
    ant: anthropic.Anthropic, queue: Queue
) -> None:
    queue({"text": "one two three"}, faults=["error_event(at=4)"])
    with pytest.raises(anthropic.APIStatusError) as info:
        list(ant.messages.create(model=CLAUDE, max_tokens=64, messages=USER, stream=True))
    body: Any = info.value.body
    assert body == {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    assert info.value.status_code == 200


@pytest.mark.parametrize("mode", ["reset", "abrupt"])  # TCP RST / no chunked terminator
def test_messages_stream_cut_raises_api_connection_error(
    ant: anthropic.Anthropic, queue: Queue, mode: str
) -> None:
    """anthropic (2.17, pinned in requirements/test.lock) wraps a transport error raised while
    iterating into APIConnectionError, caused by the httpx2 error (older releases let the bare
    httpx2 error escape: the reason this environment is locked)."""
    queue({"text": "one two three"}, faults=[f"close(after=4, mode={mode})"])
    cause = httpx2.ReadError if mode == "reset" else httpx2.RemoteProtocolError
    seen: list[str] = []
    with pytest.raises(anthropic.APIConnectionError) as info:
        with ant.messages.stream(model=CLAUDE, max_tokens=64, messages=USER) as stream:
            seen.extend(e.type for e in stream)
    assert isinstance(info.value.__cause__, cause)
    assert seen[0] == "message_start" and "message_stop" not in seen


def test_messages_unterminated_last_event_loses_message_stop(
    ant: anthropic.Anthropic, queue: Queue
) -> None:
    queue({"text": "one two"}, faults=["unterminated_last_event"])
    events = list(ant.messages.create(model=CLAUDE, max_tokens=64, messages=USER, stream=True))
    assert events[-1].type == "message_delta"


def test_messages_529_overloaded_is_retried_and_journaled(
    server: MockServer, lane: str, queue: Queue
) -> None:
    queue({"text": "late"}, times=3, faults=["status(code=529, retry_after_ms=1)"])
    with anthropic.Anthropic(
        base_url=server.url_for("", lane=lane), api_key="test", max_retries=2, timeout=10,
        _strict_response_validation=True,
    ) as client, pytest.raises(anthropic.OverloadedError) as info:
        client.messages.create(model=CLAUDE, max_tokens=64, messages=USER, stream=True)
    body: Any = info.value.body
    assert body["error"] == {"type": "overloaded_error", "message": "Overloaded"}
    entries = server.requests(lane)
    assert [e.status for e in entries] == [529, 529, 529]
    assert [e.headers.get("x-stainless-retry-count") for e in entries] == ["0", "1", "2"]


def test_messages_529_then_success_streams_after_retry(server: MockServer, lane: str) -> None:
    server.enqueue({"sequence": [{"error": {"status": 529}}, {"text": "made it"}]}, lane=lane)
    with anthropic.Anthropic(
        base_url=server.url_for("", lane=lane), api_key="test", max_retries=2, timeout=10,
        _strict_response_validation=True,
    ) as client, client.messages.stream(model=CLAUDE, max_tokens=64, messages=USER) as stream:
        assert "".join(stream.text_stream) == "made it"
    assert [e.status for e in server.requests(lane)] == [529, 200]


def test_messages_bom_loses_message_start(ant: anthropic.Anthropic, queue: Queue) -> None:
    """A leading BOM turns `event:` into an unknown field; anthropic skips unnamed events."""
    queue({"text": "a b"}, faults=["bom"])
    events = list(ant.messages.create(model=CLAUDE, max_tokens=64, messages=USER, stream=True))
    assert events[0].type == "content_block_start"
