"""EventSplitter: an event stream cut into its raw blocks as it arrives (the proxy's framer).

Property: for any valid body (every line-ending style, BOM, comments, multi-line data) read in
any split, the blocks join back to the body byte for byte, and the events they carry are
exactly what the reference decoder dispatches for the whole body, in order.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from mockserver.fixtures.strategies import sse_bytes, wire_splits

from mockserver.sse import decode_all
from mockserver.sse.splitter import EventSplitter


def _split(reads: list[bytes]) -> list[tuple[bytes, object]]:
    splitter = EventSplitter()
    blocks = [block for read in reads for block in splitter.feed(read)]
    return blocks + splitter.flush()


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_blocks_join_to_the_body_and_carry_the_decoders_events(data: st.DataObject) -> None:
    body = data.draw(sse_bytes(max_events=6))
    reads = data.draw(wire_splits(body))
    blocks = _split(reads)
    assert b"".join(raw for raw, _ in blocks) == body
    assert [event for _, event in blocks if event is not None] == decode_all([body])


def test_each_event_comes_with_its_own_bytes_as_soon_as_its_blank_line_arrives() -> None:
    splitter = EventSplitter()
    assert splitter.feed(b"data: a\r\n") == []
    (first, a), (second, ping) = splitter.feed(b"\r\n: ping\r\n\r\ndata: b\r")
    assert (first, a is not None and a.data) == (b"data: a\r\n\r\n", "a")
    assert (second, ping) == (b": ping\r\n\r\n", None)
    (third, b), = splitter.feed(b"\r\n")  # CR ends the line, CRLF is the blank line
    assert (third, b is not None and b.data) == (b"data: b\r\r\n", "b")
    assert splitter.flush() == []


def test_an_unterminated_last_block_is_passed_on_without_an_event() -> None:
    splitter = EventSplitter()
    assert splitter.feed(b"data: [DONE]\n") == []
    assert splitter.flush() == [(b"data: [DONE]\n", None)]


def test_a_block_without_end_in_sight_is_passed_on_and_still_dispatches() -> None:
    splitter = EventSplitter(max_block=64)
    body = b"data: " + b"x" * 200 + b"\n\ndata: y\n\n"
    blocks = [block for i in range(0, len(body), 10) for block in splitter.feed(body[i:i + 10])]
    blocks += splitter.flush()
    assert b"".join(raw for raw, _ in blocks) == body
    assert max(len(raw) for raw, _ in blocks) <= 64 + 10
    assert [e.data for _, e in blocks if e is not None] == ["x" * 200, "y"]
