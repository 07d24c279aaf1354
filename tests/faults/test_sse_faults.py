"""sse faults over a real socket: what openai-python, httpx-sse and a raw socket observe.

Event-level faults (the pipeline's on_events / on_frames hooks); the wire-level ones (split,
coalesce, keepalive) are in test_sse_wire_faults.py. Each test enqueues one scenario on its own
lane of the module's server and drives a real client against it. Expected symptoms follow
failure-modes.md 2.1 (SSE-xx) and 2.2 (HTTP-14/15), re-checked against the installed
openai-python and httpx-sse. The WHATWG-exact decoder of `mockserver.sse` is the conforming
reference: where a fault is legal SSE, it must still see the original events.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest
from _sse_clients import (
    BODY,
    TEXT,
    enqueue,
    openai_chunks,
    raw_body,
    reference_events,
    sse_events,
    text_of,
)

from mockserver.faults.bom import BOM


# -- malformed_json ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["truncated", "garbage"])
def test_openai_raises_bare_json_error_when_event_json_is_malformed(lane: Any, kind: str) -> None:
    enqueue(lane, f"malformed_json(at=2, kind={kind})")
    got: list[Any] = []
    with pytest.raises(json.JSONDecodeError):
        openai_chunks(lane, got)
    assert len(got) == 1 and got[0].choices[0].delta.role == "assistant"


def test_httpx_sse_delivers_malformed_event_and_json_fails(lane: Any) -> None:
    enqueue(lane, "malformed_json(at=2)")
    events = sse_events(lane)
    assert [e.data for e in events][-1] == "[DONE]"
    with pytest.raises(json.JSONDecodeError):
        events[1].json()
    assert events[0].json()["object"] == "chat.completion.chunk"


def test_openai_yields_a_str_when_event_json_is_double_encoded(lane: Any) -> None:
    enqueue(lane, "malformed_json(at=2, kind=double_encoded)")
    chunks = openai_chunks(lane)
    assert isinstance(chunks[1], str)
    assert json.loads(chunks[1])["object"] == "chat.completion.chunk"
    with pytest.raises(AttributeError):
        text_of(chunks)


# -- done_variant ----------------------------------------------------------------------------
def test_done_without_space_is_understood(lane: Any) -> None:
    enqueue(lane, "done_variant(form=no_space)")
    assert text_of(openai_chunks(lane)) == TEXT
    enqueue(lane, "done_variant(form=no_space)")
    body, _ = raw_body(lane)
    assert body.endswith(b"\n\ndata:[DONE]\n\n")
    assert reference_events(body)[-1] == "[DONE]"


def test_done_with_extra_space_reaches_json_loads_in_openai(lane: Any) -> None:
    enqueue(lane, "done_variant(form=extra_space)")
    got: list[Any] = []
    with pytest.raises(json.JSONDecodeError):
        openai_chunks(lane, got)
    assert text_of(got) == TEXT and got[-1].choices[0].finish_reason == "stop"
    enqueue(lane, "done_variant(form=extra_space)")
    assert sse_events(lane)[-1].data == " [DONE]"


def test_done_held_open_openai_returns_but_httpx_sse_times_out(lane: Any) -> None:
    enqueue(lane, "done_variant(form=held_open, seconds=20)")
    assert text_of(openai_chunks(lane)) == TEXT  # timeout=5 < 20: it stopped at [DONE]
    enqueue(lane, "done_variant(form=held_open, seconds=20)")
    got: list[Any] = []
    with pytest.raises(httpx.ReadTimeout):
        sse_events(lane, got, timeout=0.3)
    assert got[-1].data == "[DONE]"


# -- error_event ------------------------------------------------------------------------------
def test_openai_raises_api_error_on_in_band_error(lane: Any) -> None:
    enqueue(lane, "error_event(at=3)")
    got: list[Any] = []
    with pytest.raises(openai.APIError) as info:
        openai_chunks(lane, got)
    assert not isinstance(info.value, openai.APIStatusError)
    assert "server had an error" in info.value.message
    assert info.value.body == {
        "message": info.value.message, "type": "server_error", "param": None, "code": None,
    }
    assert text_of(got) == "Hello"


def test_openai_swallows_event_error_as_an_empty_chunk(lane: Any) -> None:
    enqueue(lane, "error_event(at=3, shape=event_error)")
    chunks = openai_chunks(lane)
    assert len(chunks) == 3 and text_of(chunks) == "Hello"
    assert chunks[-1].choices is None and chunks[-1].id is None
    enqueue(lane, "error_event(at=3, shape=event_error)")
    last = sse_events(lane)[-1]
    assert last.event == "error"
    assert last.json() == {
        "type": "error", "code": "server_error", "message": last.json()["message"],
        "param": None, "sequence_number": 2,
    }


# -- field_noise ----------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["id", "retry", "event"])
def test_field_noise_crashes_openai_but_not_a_conforming_parser(lane: Any, field: str) -> None:
    enqueue(lane, f"field_noise(at=2, field={field})")
    got: list[Any] = []
    with pytest.raises(json.JSONDecodeError):
        openai_chunks(lane, got)
    assert len(got) == (2 if field == "id" else 1)
    enqueue(lane, f"field_noise(at=2, field={field})")
    body, _ = raw_body(lane)
    assert len(reference_events(body)) == 6
    enqueue(lane, f"field_noise(at=2, field={field})")
    assert [e.data for e in sse_events(lane)].count("") == 1


# -- bom ------------------------------------------------------------------------------------
def test_bom_makes_openai_and_httpx_sse_lose_the_first_event(lane: Any) -> None:
    enqueue(lane, "bom")
    chunks = openai_chunks(lane)
    assert text_of(chunks) == TEXT
    assert len(chunks) == 4 and all(c.choices[0].delta.role is None for c in chunks)
    enqueue(lane, "bom")
    assert len(sse_events(lane)) == 5
    enqueue(lane, "bom")
    body, _ = raw_body(lane)
    assert body.startswith(BOM + b"data: {")
    assert len(reference_events(body)) == 6  # WHATWG R1 strips one BOM


# -- line_endings ---------------------------------------------------------------------------
@pytest.mark.parametrize("style", ["crlf", "cr", "mixed"])
def test_line_endings_are_legal_and_understood(lane: Any, style: str) -> None:
    enqueue(lane, f"line_endings(style={style})")
    assert text_of(openai_chunks(lane)) == TEXT
    enqueue(lane, f"line_endings(style={style})")
    assert [e.data for e in sse_events(lane)][-1] == "[DONE]"
    enqueue(lane, f"line_endings(style={style})")
    body, _ = raw_body(lane)
    lf, crlf = body.count(b"\n") - body.count(b"\r\n"), body.count(b"\r\n")
    cr = body.count(b"\r") - crlf
    expected = {"crlf": (0, 12, 0), "cr": (0, 0, 12)}  # 6 events, 2 terminators each
    if style == "mixed":
        assert lf + crlf + cr == 12 and min(lf, crlf, cr) > 0
    else:
        assert (lf, crlf, cr) == expected[style]
    assert len(reference_events(body)) == 6


# -- unterminated_last_event ----------------------------------------------------------------
def test_unterminated_last_event_is_never_dispatched(lane: Any) -> None:
    enqueue(lane, "unterminated_last_event")
    body, _ = raw_body(lane)
    assert body.endswith(b"}\n\ndata: [DONE]\n")
    assert reference_events(body)[-1] != "[DONE]"
    enqueue(lane, "unterminated_last_event")
    assert text_of(openai_chunks(lane)) == TEXT
    enqueue(lane, "unterminated_last_event")
    assert [e.data for e in sse_events(lane)][-1] != "[DONE]"


def test_unterminated_finish_chunk_loses_finish_reason(lane: Any) -> None:
    enqueue(lane, "missing_done; unterminated_last_event")
    chunks = openai_chunks(lane)
    assert text_of(chunks) == TEXT
    assert all(c.choices[0].finish_reason is None for c in chunks)


# -- invalid_utf8 ---------------------------------------------------------------------------
def test_invalid_utf8_raises_unicode_error_in_openai_and_is_replaced_by_httpx(lane: Any) -> None:
    enqueue(lane, "invalid_utf8(at=2)")
    got: list[Any] = []
    with pytest.raises(UnicodeDecodeError):
        openai_chunks(lane, got)
    assert len(got) == 1
    enqueue(lane, "invalid_utf8(at=2)")
    events = sse_events(lane)
    content = events[1].json()["choices"][0]["delta"]["content"]
    assert content.startswith("\ufffd") and content.endswith("Hello")


# -- unicode_separators ---------------------------------------------------------------------
def test_unicode_separators_survive_sse_parsers_but_break_splitlines(lane: Any) -> None:
    enqueue(lane, "unicode_separators(at=2)")
    text = text_of(openai_chunks(lane))
    assert all(ch in text for ch in "\u2028\u2029\u0085")
    assert text.translate({0x2028: None, 0x2029: None, 0x85: None}) == TEXT
    enqueue(lane, "unicode_separators(at=2)")
    assert "\u2028" in sse_events(lane)[1].json()["choices"][0]["delta"]["content"]
    enqueue(lane, "unicode_separators(at=2)")
    with httpx.Client(timeout=5) as client, client.stream(
        "POST", lane.url("/v1/chat/completions"), json=BODY
    ) as response:
        lines = [line for line in response.iter_lines() if line.startswith("data: {")]
    with pytest.raises(json.JSONDecodeError):
        for line in lines:
            json.loads(line[6:])


# -- duplicate_chunk -------------------------------------------------------------------------
def test_duplicate_chunk_repeats_text_in_clients(lane: Any) -> None:
    enqueue(lane, "duplicate_chunk(at=2)")
    chunks = openai_chunks(lane)
    assert text_of(chunks) == "HelloHello there world"
    assert chunks[1].id == chunks[2].id
    enqueue(lane, "duplicate_chunk(at=2)")
    events = sse_events(lane)
    assert events[1].data == events[2].data and len(events) == 7
