"""Wire-level sse faults over a real socket: split, coalesce and keepalive re-cut or pad the
writes. A bare socket sees the exact HTTP chunks (one per flushed write) and the read
boundaries; openai-python and httpx-sse must reassemble the same events (SSE-06, SSE-15/16,
SSE-22, SSE-26, SSE-27 of failure-modes.md).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _sse_clients import (
    TEXT,
    enqueue,
    openai_chunks,
    raw_body,
    raw_reads,
    reference_events,
    sse_events,
    text_of,
)


# -- keepalive ------------------------------------------------------------------------------
def test_comment_keepalives_are_ignored_by_clients(lane: Any) -> None:
    enqueue(lane, "keepalive(every_ms=2)")
    assert text_of(openai_chunks(lane)) == TEXT
    enqueue(lane, "keepalive(every_ms=2)")
    body, chunks = raw_body(lane)
    assert chunks.count(b": keep-alive\n\n") == 5  # one between each pair of the 6 events
    assert chunks[1] == b": keep-alive\n\n"
    assert len(reference_events(body)) == 6


def test_keepalives_never_land_inside_a_split_event(lane: Any) -> None:
    spec = "split(mode=inside_data, gap_ms=4); keepalive(every_ms=2)"
    enqueue(lane, spec)
    body, chunks = raw_body(lane)
    assert chunks.count(b": keep-alive\n\n") == 10  # two per 4 ms pause between events
    assert reference_events(body)[-1] == "[DONE]" and len(reference_events(body)) == 6
    enqueue(lane, spec)
    assert text_of(openai_chunks(lane)) == TEXT


@pytest.mark.parametrize(("form", "event"), [("empty_data", "message"), ("event_only", "ping")])
def test_data_less_keepalives_crash_openai(lane: Any, form: str, event: str) -> None:
    enqueue(lane, f"keepalive(every_ms=2, form={form})")
    got: list[Any] = []
    with pytest.raises(json.JSONDecodeError):
        openai_chunks(lane, got)
    assert len(got) == 1
    enqueue(lane, f"keepalive(every_ms=2, form={form})")
    events = sse_events(lane)
    fillers = [e for e in events if e.data == ""]
    assert len(fillers) == 5 and {e.event for e in fillers} == {event}


# -- split ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec",
    [
        "split(mode=every_byte)",
        "split(mode=bytes, size=3)",
        "split(mode=random, size=7)",
        "split(mode=inside_data)",
        "split(mode=between_cr_lf)",
        "split(mode=inside_utf8)",
    ],
)
def test_split_stream_reassembles_in_clients(lane: Any, spec: str) -> None:
    text = "Héllo wörld 你好 🙂"
    enqueue(lane, spec, text=text)
    assert text_of(openai_chunks(lane)) == text
    enqueue(lane, spec, text=text)
    events = sse_events(lane)
    assert "".join(
        e.json()["choices"][0]["delta"].get("content", "") for e in events[:-1]
    ) == text


def test_split_modes_cut_where_they_say(lane: Any) -> None:
    enqueue(lane, "split(mode=every_byte)")
    _, chunks = raw_body(lane)
    assert {len(c) for c in chunks} == {1}
    enqueue(lane, "split(mode=bytes, size=5)")
    body, chunks = raw_body(lane)
    assert all(len(c) == 5 for c in chunks[:-1]) and 1 <= len(chunks[-1]) <= 5
    enqueue(lane, "split(mode=between_cr_lf)")
    body, chunks = raw_body(lane)
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert len(chunks) == 18  # each event: `data: ...\r` | `\n\r` | `\n`
    pairs = zip(chunks[:-1], chunks[1:], strict=True)
    assert all(n.startswith(b"\n") for c, n in pairs if c.endswith(b"\r"))
    enqueue(lane, "split(mode=inside_data)")
    body, chunks = raw_body(lane)
    assert len(chunks) == 12 and all(c.startswith(b"data: ") for c in chunks[::2])
    enqueue(lane, "split(mode=inside_utf8)", text="你好 🙂")
    body, chunks = raw_body(lane)
    assert len(body) > 0 and any(_not_utf8(c) for c in chunks)


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_split_with_gap_arrives_as_separate_reads(lane: Any) -> None:
    """Each piece is flushed and followed by a pause, so no two pieces share a read."""
    enqueue(lane, "split(mode=inside_data, gap_ms=50)", text="Hi")
    _, chunks, read_ends, chunk_ends = raw_reads(lane)
    assert len(chunks) == 8  # 4 events (role, "Hi", finish, [DONE]) cut in two
    # the last piece may share its read with the body's terminating chunk (no gap before it)
    assert set(chunk_ends[:-1]) <= set(read_ends)


# -- coalesce and duplicate_chunk -----------------------------------------------------------
def test_coalesced_events_arrive_in_one_write(lane: Any) -> None:
    enqueue(lane, "coalesce(events=4)")
    body, chunks = raw_body(lane)
    assert [c.count(b"data: ") for c in chunks] == [4, 2]
    assert len(reference_events(body)) == 6
    enqueue(lane, "coalesce(events=4)")
    assert text_of(openai_chunks(lane)) == TEXT
