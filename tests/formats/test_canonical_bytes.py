"""Exact bytes of one canonical stream per format (compile_plan, fixed seed, no socket), and the
framing invariants of openai-wire.md 3.1 (Responses) and 6.9 (Anthropic) on richer streams."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.plan import WirePlan
from mockserver.core.scenario import Response
from mockserver.sse import decode_all

GOLDEN = Path(__file__).parent / "golden"
RICH = {
    "text": "Hi there ☃",
    "reasoning": "First.\n\nSecond.",
    "tool_calls": [{"name": "get_weather", "arguments": '{"city": "Paris"}'}],
}


def responses_plan(response: dict[str, Any], seed: int = 7) -> WirePlan:
    view = view_for("responses", "/v1/responses",
                    {"model": "gpt-4.1", "input": "Say hi", "stream": True})
    return compile_plan(view, response=Response.from_dict(response), seed=seed,
                        model="gpt-4.1-2025-04-14")


def messages_plan(response: dict[str, Any], seed: int = 7) -> WirePlan:
    body = {"model": "claude-sonnet-4.5", "max_tokens": 64, "stream": True,
            "messages": [{"role": "user", "content": "Say hi"}]}
    view = view_for("messages", "/v1/messages", body)
    return compile_plan(view, response=Response.from_dict(response), seed=seed,
                        model="claude-sonnet-4.5")


def test_responses_canonical_text_stream_bytes_are_exact() -> None:
    """3.3: created, in_progress, item/part added, deltas, done events, completed."""
    plan = responses_plan({"text": "Hi there"})
    assert plan.body() == (GOLDEN / "responses_text_seed7.sse").read_bytes()
    headers = dict(plan.start.headers) if plan.start else {}
    assert headers["content-type"] == "text/event-stream; charset=utf-8"
    assert headers["x-request-id"].startswith("req_") and headers["openai-version"] == "2020-10-01"


def test_messages_canonical_text_stream_bytes_are_exact() -> None:
    """6.9: message_start, block start, ping, text deltas, block stop, message_delta, stop."""
    plan = messages_plan({"text": "Hi there"})
    assert plan.body() == (GOLDEN / "messages_text_seed7.sse").read_bytes()
    headers = dict(plan.start.headers) if plan.start else {}
    assert headers["content-type"] == "text/event-stream; charset=utf-8"
    assert headers["request-id"].startswith("req_")
    assert not any(name.startswith(("openai-", "x-ratelimit-")) for name in headers)


@pytest.mark.parametrize("make", [responses_plan, messages_plan])
def test_every_event_is_named_after_its_type_and_no_done_sentinel(make: Any) -> None:
    events = decode_all([make(RICH).body()])
    assert events
    for event in events:
        data = json.loads(event.data)
        assert event.event == data["type"]
        assert event.data == json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    assert all(e.data != "[DONE]" for e in events)
    assert "☃" in make(RICH).body().decode("utf-8")


def test_responses_sequence_numbers_count_from_zero_and_keys_are_sorted_after_type() -> None:
    payloads = [json.loads(e.data) for e in decode_all([responses_plan(RICH).body()])]
    assert [p["sequence_number"] for p in payloads] == list(range(len(payloads)))
    for payload in payloads:
        keys = list(payload)
        assert keys[0] == "type" and keys[1:] == sorted(keys[1:])
    types = [p["type"] for p in payloads]
    assert types.index("response.reasoning_summary_part.added") < types.index(
        "response.content_part.added") < types.index("response.function_call_arguments.delta")
    outputs = [p["output_index"] for p in payloads if p["type"] == "response.output_item.added"]
    assert outputs == [0, 1, 2]


def test_responses_ids_and_created_at_come_from_the_seed() -> None:
    a, b, c = responses_plan(RICH, 1), responses_plan(RICH, 1), responses_plan(RICH, 2)
    assert a.body() == b.body() and a.body() != c.body()
    final = json.loads(decode_all([a.body()])[-1].data)["response"]
    ids = [final["id"]] + [item["id"] for item in final["output"]]
    assert [i.split("_")[0] for i in ids] == ["resp", "rs", "msg", "fc"]
    assert all(len(i.split("_")[1]) == 50 for i in ids)
    assert final["output"][2]["call_id"].startswith("call_")
    assert len(set(ids)) == len(ids)


def test_responses_content_filter_finish_is_incomplete_with_that_reason() -> None:
    plan = responses_plan({"text": "x", "finish_reason": "content_filter"})
    final = json.loads(decode_all([plan.body()])[-1].data)
    assert final["type"] == "response.incomplete"
    assert final["response"]["incomplete_details"] == {"reason": "content_filter"}
    assert final["response"]["output"][0]["status"] == "incomplete"


def test_responses_obfuscation_can_be_turned_off() -> None:
    view = view_for("responses", "/v1/responses", {
        "model": "gpt-4.1", "input": "x", "stream": True,
        "stream_options": {"include_obfuscation": False},
    })
    plan = compile_plan(view, response=Response(text="a b"), seed=1, model="gpt-4.1")
    assert b"obfuscation" not in plan.body()


def test_messages_tool_use_partial_json_starts_empty_and_rebuilds_arguments() -> None:
    payloads = [json.loads(e.data) for e in decode_all([messages_plan(RICH).body()])]
    starts = [p["content_block"] for p in payloads if p["type"] == "content_block_start"]
    assert [b["type"] for b in starts] == ["thinking", "text", "tool_use"]
    assert starts[2]["input"] == {} and starts[2]["id"].startswith("toolu_01")
    partial = [p["delta"]["partial_json"] for p in payloads
               if p["type"] == "content_block_delta" and p["delta"]["type"] == "input_json_delta"]
    assert partial[0] == "" and "".join(partial) == '{"city": "Paris"}'
    kinds = [p["delta"]["type"] for p in payloads if p.get("index") == 0 and "delta" in p]
    assert kinds[-1] == "signature_delta"
    assert payloads[-2]["delta"]["stop_reason"] == "tool_use"
    assert [p["type"] for p in payloads].count("ping") == 1
