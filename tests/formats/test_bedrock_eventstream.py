"""The AWS event stream encoder against botocore's parser (the oracle), Bedrock's canonical
stream bytes, determinism, and the event-stream faults on compiled plans (pure, no socket)."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer
from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.compile import compile_plan
from mockserver.core.events import Event
from mockserver.core.formats import view_for
from mockserver.core.formats.eventstream import (
    AWS_EVENTSTREAM,
    EventStreamDecoder,
    EventStreamError,
    encode_message,
)
from mockserver.core.plan import Close, WirePlan
from mockserver.core.scenario import Response
from mockserver.faults import parse_faults

GOLDEN = Path(__file__).parent / "golden"
CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0"
CONVERSE_BODY = {"messages": [{"role": "user", "content": [{"text": "Say hi"}]}]}
INVOKE_BODY = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64,
               "messages": [{"role": "user", "content": "Say hi"}]}


def converse(response: dict[str, Any], faults: str = "", seed: int = 7,
             model: str = CLAUDE) -> WirePlan:
    path = f"/model/{model}/converse-stream"
    view = view_for("bedrock_converse", path, CONVERSE_BODY, {"modelId": model})
    return compile_plan(view, response=Response.from_dict(response), seed=seed,
                        faults=parse_faults(faults) if faults else (), model=model)


def invoke(response: dict[str, Any], faults: str = "", model: str = CLAUDE,
           body: dict[str, Any] | None = None) -> WirePlan:
    path = f"/model/{model}/invoke-with-response-stream"
    view = view_for("bedrock_invoke", path, body or INVOKE_BODY, {"modelId": model})
    return compile_plan(view, response=Response.from_dict(response), seed=7,
                        faults=parse_faults(faults) if faults else (), model=model)


def botocore_messages(data: bytes) -> list[Any]:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return list(buffer)


def parsed(plan: WirePlan) -> list[tuple[str, dict[str, Any]]]:
    """(event type, payload) of each message, as botocore reads them."""
    return [(m.headers[":event-type"], json.loads(m.payload))
            for m in botocore_messages(plan.body())]


header_values = st.text(st.characters(codec="utf-8"), max_size=40)


@given(st.lists(st.tuples(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)
                          .filter(lambda s: len(s.encode()) < 256), header_values),
                max_size=4, unique_by=lambda h: h[0]),
       st.binary(max_size=300))
def test_botocore_reads_back_every_message_the_encoder_writes(headers, payload) -> None:
    [message] = botocore_messages(encode_message(headers, payload))
    assert message.headers == dict(headers)
    assert message.payload == payload


@given(st.lists(st.binary(max_size=80), min_size=1, max_size=5), st.integers(1, 50))
def test_the_decoder_agrees_with_botocore_whatever_the_read_sizes(payloads, size) -> None:
    data = b"".join(encode_message([(":event-type", "chunk")], p) for p in payloads)
    decoder = EventStreamDecoder()
    got = []
    for i in range(0, len(data), size):
        got += decoder.decode(data[i : i + size])
    assert [m.payload for m in got] == [m.payload for m in botocore_messages(data)]
    assert decoder.flush() == b""


def test_the_decoder_raises_on_a_bad_crc_and_keeps_a_cut_message() -> None:
    message = bytearray(encode_message([(":event-type", "chunk")], b"{}"))
    message[-1] ^= 1
    with pytest.raises(EventStreamError):
        EventStreamDecoder().decode(bytes(message))
    decoder = EventStreamDecoder()
    assert decoder.decode(bytes(message[:10])) == []
    assert decoder.flush() == bytes(message[:10])


def test_a_message_is_prelude_crc_headers_payload_crc() -> None:
    data = encode_message([(":event-type", "chunk")], b"{}")
    total, head = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
    assert total == len(data) and head == 1 + 11 + 1 + 2 + 5
    assert int.from_bytes(data[8:12], "big") == zlib.crc32(data[:8])
    assert int.from_bytes(data[-4:], "big") == zlib.crc32(data[:-4])


def test_an_exception_event_carries_the_exception_headers() -> None:
    assert AWS_EVENTSTREAM.encode is not None
    frame = AWS_EVENTSTREAM.encode(Event(data='{"message":"x"}', event="throttlingException"))
    [message] = botocore_messages(frame)
    assert message.headers == {":exception-type": "throttlingException",
                               ":content-type": "application/json",
                               ":message-type": "exception"}
    assert message.to_response_dict()["status_code"] == 400


def test_converse_canonical_stream_bytes_are_exact() -> None:
    """messageStart, text deltas, contentBlockStop, messageStop, metadata; keys sorted, `p`."""
    plan = converse({"text": "Hi there"})
    assert plan.body() == (GOLDEN / "bedrock_converse_text_seed7.eventstream").read_bytes()
    assert plan.start is not None
    assert plan.start.header("content-type") == "application/vnd.amazon.eventstream"
    assert len(plan.start.header("x-amzn-requestid") or "") == 36


def test_converse_stream_order_and_payload_shapes() -> None:
    events = parsed(converse({"text": "Checking.", "reasoning": "Think.",
                              "tool_calls": [{"name": "get_weather",
                                              "arguments": '{"city": "Paris"}'}]}))
    names = [name for name, _ in events]
    assert names[0] == "messageStart" and names[-2:] == ["messageStop", "metadata"]
    assert names.count("contentBlockStart") == 1  # only the tool-use block has a start
    for _, payload in events:
        assert list(payload) == sorted(payload) and "p" in payload
        assert "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".startswith(
            payload["p"])
    deltas = [p["delta"] for n, p in events if n == "contentBlockDelta"]
    assert deltas[0] == {"reasoningContent": {"text": "Think."}}
    assert "signature" in deltas[1]["reasoningContent"] and deltas[2] == {"text": "Checking."}
    start = next(p for n, p in events if n == "contentBlockStart")
    assert start["contentBlockIndex"] == 2
    assert start["start"]["toolUse"]["toolUseId"].startswith("tooluse_")
    arguments = "".join(d["toolUse"]["input"] for d in deltas if "toolUse" in d)
    assert json.loads(arguments) == {"city": "Paris"}
    assert events[-2][1]["stopReason"] == "tool_use"
    usage = events[-1][1]["usage"]
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]


@pytest.mark.parametrize(("finish", "reason"), [("length", "max_tokens"),
                                                ("content_filter", "content_filtered")])
def test_finish_reasons_map_to_converse_stop_reasons(finish: str, reason: str) -> None:
    assert parsed(converse({"text": "x", "finish_reason": finish}))[-2][1]["stopReason"] == reason


def test_same_seed_same_bytes_other_seed_other_ids_and_padding() -> None:
    response = {"text": "a b c", "tool_calls": [{"name": "f", "arguments": "{}"}]}
    assert converse(response, seed=3).body() == converse(response, seed=3).body()
    assert converse(response, seed=3).body() != converse(response, seed=4).body()
    faulted = "split(mode=random, size=5); exception_event(at=4)"
    assert converse(response, faulted, seed=3).ops == converse(response, faulted, seed=3).ops


def test_invoke_stream_wraps_anthropic_events_as_bedrock_sends_them() -> None:
    events = parsed(invoke({"text": "Hi there", "tool_calls": [{"name": "f", "arguments": "{}"}]}))
    assert {name for name, _ in events} == {"chunk"}
    assert all(list(p) == ["bytes", "p"] for _, p in events)
    inner = [json.loads(base64.b64decode(p["bytes"])) for _, p in events]
    types = [e["type"] for e in inner]
    assert "ping" not in types and types[0] == "message_start" and types[-1] == "message_stop"
    message = inner[0]["message"]
    assert list(message)[:2] == ["model", "id"] and message["id"].startswith("msg_bdrk_01")
    assert message["model"] == "claude-sonnet-4-5-20250929"
    tool = next(e["content_block"] for e in inner if e["type"] == "content_block_start"
                and e["content_block"]["type"] == "tool_use")
    assert tool["id"].startswith("toolu_bdrk_01")
    metrics = inner[-1]["amazon-bedrock-invocationMetrics"]
    assert set(metrics) == {"inputTokenCount", "outputTokenCount", "invocationLatency",
                            "firstByteLatency"}


def test_invoke_stream_of_other_models_carries_chat_chunks_without_done() -> None:
    body = {"messages": [{"role": "user", "content": "hi"}]}
    events = parsed(invoke({"text": "Hi there"}, model="openai.gpt-oss-120b-1:0", body=body))
    inner = [json.loads(base64.b64decode(p["bytes"])) for _, p in events]
    assert all(e["object"] == "chat.completion.chunk" for e in inner)
    assert "".join(c["delta"].get("content") or "" for e in inner for c in e["choices"]) == (
        "Hi there")


@pytest.mark.parametrize("which", ["message", "prelude"])
def test_bad_crc_breaks_exactly_the_chosen_message(which: str) -> None:
    data = converse({"text": "a b c"}, f"bad_crc(at=3, which={which})").body()
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    assert [m.headers[":event-type"] for m in (next(buffer), next(buffer))] == [
        "messageStart", "contentBlockDelta"]
    with pytest.raises(ChecksumMismatch):
        next(buffer)
    assert len(data) == len(converse({"text": "a b c"}).body())


def test_truncated_frame_ends_the_body_inside_the_chosen_message() -> None:
    plan = converse({"text": "a b c"}, "truncated_frame(at=3, keep=20)")
    decoder = EventStreamDecoder()
    assert len(decoder.decode(plan.body())) == 2
    assert len(decoder.flush()) == 20
    assert plan.ops[-1] == Close("clean")


def test_exception_event_replaces_the_chosen_event_and_ends_the_stream() -> None:
    messages = botocore_messages(
        converse({"text": "a b c"}, "exception_event(at=3, type=throttlingException)").body())
    assert len(messages) == 3
    assert messages[-1].headers[":exception-type"] == "throttlingException"
    assert json.loads(messages[-1].payload) == {
        "message": "Too many requests, please wait before trying again."}


def test_error_event_on_bedrock_is_a_model_stream_error_exception() -> None:
    last = botocore_messages(converse({"text": "a b c"}, "error_event(at=2)").body())[-1]
    assert last.headers[":exception-type"] == "modelStreamErrorException"


@pytest.mark.parametrize("spec", ["bom", "line_endings(style=crlf)", "keepalive(every_ms=5)",
                                  "missing_done", "invalid_utf8(at=2)", "field_noise(at=2)",
                                  "unterminated_last_event", "stall(after=2, seconds=1, "
                                  "keepalive_ms=100)"])
def test_sse_syntax_faults_leave_the_event_stream_parseable(spec: str) -> None:
    """SSE faults do not act on binary frames: botocore reads every message."""
    assert len(botocore_messages(converse({"text": "a b"}, spec).body())) == 6


def test_split_and_coalesce_recut_frames_that_still_parse_whole() -> None:
    whole = converse({"text": "a b c"}).body()
    for spec in ("split(mode=every_byte)", "split(mode=random, size=7)", "coalesce(events=3)"):
        plan = converse({"text": "a b c"}, spec)
        assert plan.body() == whole and len(plan.writes()) != 7
