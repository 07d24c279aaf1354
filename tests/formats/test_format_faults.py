"""SPEC 4 faults applied to Responses and Anthropic streams, checked on the compiled plan (pure,
no socket): each fault acts on these formats as on chat, and `error_event` takes the format's
own shape (openai-wire.md 3.6, 5.3, 6.9)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.plan import Close, WirePlan
from mockserver.core.scenario import Response
from mockserver.faults import parse_faults
from mockserver.sse import decode_all

TEXT = {"text": "one two three"}


def plan(
    api: str, faults: str = "", response: dict[str, Any] = TEXT, *, stream: bool = True
) -> WirePlan:
    if api == "responses":
        body: dict[str, Any] = {"model": "gpt-4.1", "input": "hi", "stream": stream}
    else:
        body = {"model": "claude-sonnet-4.5", "max_tokens": 64, "stream": stream,
                "messages": [{"role": "user", "content": "hi"}]}
    view = view_for(api, f"/v1/{api}", body)
    return compile_plan(view, response=Response.from_dict(response), seed=3,
                        faults=parse_faults(faults) if faults else (), model=body["model"])


def payloads(p: WirePlan) -> list[Any]:
    return [json.loads(e.data) for e in decode_all([p.body()])]


APIS = pytest.mark.parametrize("api", ["responses", "messages"])


@APIS
def test_missing_done_is_a_no_op_where_there_is_no_done(api: str) -> None:
    assert plan(api, "missing_done").body() == plan(api).body()


@APIS
@pytest.mark.parametrize("mode", ["clean", "abrupt", "reset"])
def test_close_after_n_events_sends_exactly_n(api: str, mode: str) -> None:
    p = plan(api, f"close(after=3, mode={mode})")
    assert len(decode_all([p.body()])) == 3
    assert p.ops[-1] == Close(mode)


@APIS
def test_malformed_json_breaks_only_the_chosen_event(api: str) -> None:
    events = decode_all([plan(api, "malformed_json(at=2, kind=garbage)").body()])
    good = decode_all([plan(api).body()])
    assert len(events) == len(good)
    assert events[1].data != good[1].data
    assert [e.data for i, e in enumerate(events) if i != 1] == [
        e.data for i, e in enumerate(good) if i != 1
    ]


@APIS
def test_bom_prefixes_the_body_and_the_first_event_loses_its_name(api: str) -> None:
    p = plan(api, "bom")
    assert p.body().startswith(b"\xef\xbb\xbfevent: ")
    first = decode_all([p.body()[3:]])[0]
    assert first.event in ("response.created", "message_start")


@APIS
def test_split_every_byte_keeps_the_bytes_and_events(api: str) -> None:
    p = plan(api, "split(mode=every_byte)")
    assert p.body() == plan(api).body()
    assert all(len(chunk) == 1 for chunk in p.writes())


@APIS
def test_unterminated_last_event_loses_the_terminal_event(api: str) -> None:
    p = plan(api, "unterminated_last_event")
    types = [x["type"] for x in payloads(p)]
    assert types[-1] in ("response.output_item.done", "message_delta")
    assert not p.body().endswith(b"\n\n")


def test_responses_error_event_openai_shape_is_nested_with_sequence_number() -> None:
    last = payloads(plan("responses", "error_event(at=4)"))[-1]
    assert list(last) == ["type", "sequence_number", "error"]
    assert last["sequence_number"] == 3 and last["error"]["code"] == "server_error"
    assert b"event: error\ndata: " in plan("responses", "error_event(at=4)").body()


def test_responses_error_event_event_error_shape_is_the_documented_flat_one() -> None:
    last = payloads(plan("responses", "error_event(at=4, shape=event_error)"))[-1]
    assert last == {"type": "error", "code": "server_error", "message": last["message"],
                    "param": None, "sequence_number": 3}


def test_responses_error_event_failed_shape_ends_with_response_failed() -> None:
    events = payloads(plan("responses", "error_event(at=5, shape=failed)"))
    last = events[-1]
    assert last["type"] == "response.failed" and last["sequence_number"] == 4
    assert last["response"]["status"] == "failed"
    assert last["response"]["id"] == events[0]["response"]["id"]
    assert last["response"]["error"]["code"] == "server_error"


def test_messages_error_event_is_anthropic_overloaded_error() -> None:
    p = plan("messages", "error_event(at=3)")
    assert p.body().endswith(
        b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error",'
        b'"message":"Overloaded"}}\n\n'
    )


def test_status_529_on_messages_has_anthropic_error_body_and_request_id_header() -> None:
    p = plan("messages", "status(code=529)")
    assert p.status == 529
    body = json.loads(p.body())
    headers = dict(p.start.headers) if p.start else {}
    assert body == {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"},
                    "request_id": headers["request-id"]}
    assert "x-request-id" not in headers


def test_status_on_responses_keeps_the_openai_error_body() -> None:
    body = json.loads(plan("responses", "status(code=500)").body())
    assert set(body["error"]) == {"message", "type", "param", "code"}


@APIS
@pytest.mark.parametrize("stream", [True, False])
def test_every_registered_fault_compiles_on_the_format(api: str, stream: bool) -> None:
    """No fault raises on these formats (chat-only payload faults are no-ops here)."""
    from mockserver.faults import registry

    for name, cls in registry().items():
        spec = getattr(cls, "example", None) or name
        response = {"text": "a b", "tool_calls": [{"name": "f", "arguments": "{}"}]}
        p = plan(api, spec, response, stream=stream)
        assert p.ops, name
