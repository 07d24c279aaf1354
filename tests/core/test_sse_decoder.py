"""The reference SSE decoder, one test per rule R1-R14 of reference/failure-modes.md section 1.

Each rule is from WHATWG HTML, "Server-sent events": 9.2.5 "Parsing an event stream" (UTF-8
decode, line endings) and 9.2.6 "Interpreting an event stream" (fields, dispatch, EOF).
https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from mockserver.fixtures.strategies import sse_events, sse_streams, wire_splits

from mockserver.sse import ServerSentEvent, SSEDecoder, decode_all, encode_event

__all__: list[str] = []


def datas(chunks: list[bytes]) -> list[str]:
    return [e.data for e in decode_all(chunks)]


def test_decoder_strips_one_leading_bom_split_over_three_reads() -> None:
    """R1 (9.2.5 UTF-8 decode): one BOM at offset 0 is removed, even split over three reads
    (SSE-01); a second BOM is content, so `\\ufeffdata` is an unknown field (SSE-02)."""
    assert datas([b"\xef", b"\xbb", b"\xbf", b"data: 1\n\n"]) == ["1"]
    assert datas([b"\xef\xbb\xbf\xef\xbb\xbfdata: 1\n\ndata: 2\n\n"]) == ["2"]
    assert datas([b"data:1\n\n", b"\xef\xbb\xbfdata:2\n\n", b"data:3\n\n"]) == ["1", "3"]


def test_decoder_replaces_invalid_utf8_and_joins_split_characters() -> None:
    """R1 (9.2.5): invalid bytes become U+FFFD and never raise (SSE-21); a multi-byte
    character split across reads decodes whole (SSE-22); UTF-16 BOM is not a BOM (SSE-03)."""
    assert datas([b"data: \xff\xfe\xc0\xaf\n\n"]) == ["\ufffd" * 4]
    assert datas([b"data: \xed\xa0\x80\n\n"]) == ["\ufffd" * 3]
    assert datas([b"data: \xf0\x9f", b"\x98", b"\x80\n\n"]) == ["\U0001f600"]
    assert datas([b"\xff\xfedata:1\n\ndata:2\n\n"]) == ["2"]


def test_decoder_accepts_cr_lf_and_crlf_with_crlf_split_across_reads() -> None:
    """R2 (9.2.5 end-of-line): CRLF, LF and CR all end lines; CR | LF across reads is one
    terminator (SSE-04, SSE-06, SSE-07)."""
    for body in (b"data: a\r\r", b"data: a\n\n", b"data: a\r\n\r\n"):
        assert datas([body]) == ["a"]
    assert datas([b"data: A\r\n", b"data: B\r", b"\ndata: C\r\n", b"\r\n"]) == ["A\nB\nC"]
    assert datas([b"data: first\r\ndata: second\n\n"]) == ["first\nsecond"]


def test_decoder_dispatches_cr_terminated_event_without_waiting_for_more_bytes() -> None:
    """R2/R3 (9.2.5, 9.2.6): the second CR of `data: 1\\r\\r` completes the event at once
    (SSE-04), and the mixed `\\n\\r\\n` is delivered immediately (SSE-07b)."""
    assert SSEDecoder().decode(b"data: 1\r\r") == [ServerSentEvent(data="1")]
    assert SSEDecoder().decode(b"data: first\n\r\n") == [ServerSentEvent(data="first")]


def test_decoder_dispatches_on_blank_line() -> None:
    """R3 (9.2.6 "If the line is empty, dispatch the event"): SSE-27 coalesced events."""
    decoder = SSEDecoder()
    assert decoder.decode(b"data: 1\n") == []
    assert decoder.decode(b"\ndata: 2\n\n") == [
        ServerSentEvent(data="1"),
        ServerSentEvent(data="2"),
    ]


def test_decoder_ignores_comment_lines() -> None:
    """R4 (9.2.6 "If the line starts with a U+003A COLON character, ignore the line")."""
    assert datas([b": ping\n\n:\ndata: 1\n: inside\n\n"]) == ["1"]


def test_decoder_removes_exactly_one_space_after_the_colon() -> None:
    """R5 (9.2.6 "If value starts with a U+0020 SPACE character, remove it"): SSE-10."""
    assert datas([b"data:x\n\ndata: x\n\ndata:  x\n\ndata:\tx\n\n"]) == ["x", "x", " x", "\tx"]


def test_decoder_treats_line_without_colon_as_field_with_empty_value() -> None:
    """R6 (9.2.6 "Otherwise, the string is not empty but does not contain a colon"): SSE-09."""
    assert datas([b"data\n\n"]) == [""]
    assert datas([b"data\ndata\n\n"]) == ["\n"]


def test_decoder_ignores_unknown_and_differently_cased_field_names() -> None:
    """R7 (9.2.6 "Otherwise: the field is ignored"; names compare literally): SSE-11, SSE-12."""
    assert datas([b"Data: 1\n data: 2\nfoo: 3\nDATA: 4\n\n"]) == []
    assert datas([b"foo: bar\ndata: 1\n\n"]) == ["1"]


def test_decoder_joins_data_lines_with_line_feed() -> None:
    """R8 (9.2.6 field name "data": append value and LF): SSE-13 pretty-printed JSON."""
    assert datas([b'data: {"a":\ndata: 1}\n\n']) == ['{"a":\n1}']
    assert datas([b'data: {"a":1}\ndata: {"a":2}\n\n']) == ['{"a":1}\n{"a":2}']  # SSE-28


def test_decoder_sets_event_type_and_resets_it_after_dispatch() -> None:
    """R9 (9.2.6 field name "event"; dispatch step "event type ... or message")."""
    events = decode_all([b"event: ping\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n"])
    assert [(e.event, e.data) for e in events] == [
        ("ping", "1"),
        ("message", "2"),
        ("message", "3"),
    ]


def test_decoder_keeps_last_event_id_across_dispatch_and_ignores_id_with_nul() -> None:
    """R10 (9.2.6 field name "id"; WPT format-field-id-null.htm): SSE-17."""
    events = decode_all([b"id: 1\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\nid\ndata: d\n\n"])
    assert [(e.id, e.data) for e in events] == [("1", "a"), ("1", "b"), ("1", "c"), ("", "d")]
    assert decode_all([b"data: a\n\nid: 7\ndata: cut off"]) == [ServerSentEvent(data="a")]


def test_decoder_accepts_retry_of_ascii_digits_only() -> None:
    """R11 (9.2.6 field name "retry"; WPT format-field-retry-bogus.htm): SSE-18."""
    bogus = ["1000x", "-1", "+5", " 10", "1_000", "\u0661\u0660", "", "1.5", "\u00b2"]
    body = "".join(f"retry: {v}\ndata: x\n\n" for v in bogus).encode()
    assert {e.retry for e in decode_all([body])} == {None}
    decoder = SSEDecoder()
    assert decoder.decode(b"retry: 0300\n\ndata: x\n\n") == [ServerSentEvent(data="x", retry=300)]
    assert decoder.retry == 300


def test_decoder_dispatches_nothing_when_data_buffer_is_empty() -> None:
    """R12 (9.2.6 dispatch step 2 "If the data buffer is an empty string ... return"): SSE-08,
    SSE-14, SSE-15; `data:` alone is a real event with empty data (SSE-16)."""
    body = (
        b"id: 1\ndata: x\n\n: ping\n\n\nevent: ping\n\n"
        b"retry: 3000\n\nid: 5\n\nevent: a\n\ndata: y\n\n"
    )
    events = decode_all([body])
    assert events == [
        ServerSentEvent(data="x", id="1"),
        ServerSentEvent(data="y", id="5", retry=3000),
    ]
    assert decode_all([b"data:\n\n"]) == [ServerSentEvent(data="")]


def test_decoder_discards_unterminated_last_event_at_end_of_stream() -> None:
    """R13 (9.2.6 "Once the end of the file is reached, any pending data must be discarded";
    WPT format-data-before-final-empty-line.js): SSE-19."""
    assert datas([b"data: 1\n\ndata: 2"]) == ["1"]
    assert datas([b'data: {"x":1}\n\ndata: 2\n']) == ['{"x":1}']
    decoder = SSEDecoder()
    assert decoder.decode(b"id: 9\ndata: 2\n") == []
    assert decoder.flush() == []
    assert decoder.last_event_id == ""  # flush resets the decoder for a new stream
    assert decoder.decode(b"\xef\xbb\xbfdata: 3\n\n") == [ServerSentEvent(data="3")]


def test_decoder_keeps_nul_and_unicode_separators_inside_data() -> None:
    """R14 (9.2.5 only CR/LF end lines; WPT format-null-character.html): SSE-20, SSE-23."""
    weird = "\x00\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"
    assert datas([f"data: a{weird}b\n\n".encode()]) == [f"a{weird}b"]


def test_decoder_is_linear_on_a_huge_line_dripped_in_small_reads() -> None:
    """SSE-25: a 4 MiB `data:` line in 4 KiB reads decodes without re-scanning the buffer."""
    payload = b"x" * (4 << 20)
    body = b"data: " + payload + b"\n\n"
    chunks = [body[i : i + 4096] for i in range(0, len(body), 4096)]
    assert [len(d) for d in datas(chunks)] == [len(payload)]


@settings(max_examples=150, deadline=None)
@given(st.lists(sse_events(), min_size=1, max_size=5))
def test_decoder_round_trips_encoded_events(events: list[ServerSentEvent]) -> None:
    """decode(encode(x)) == x for the lead's encoder; `id`/`retry` are the values in effect."""
    body, expected, last_id, retry = b"", [], "", None
    for e in events:
        new_id = e.id if e.id != last_id else None
        new_retry = e.retry if e.retry is not None and e.retry != retry else None
        last_id, retry = e.id, retry if e.retry is None else e.retry
        body += encode_event(e.data, event=e.event, id=new_id, retry=new_retry)
        expected.append(ServerSentEvent(e.event, e.data, last_id, retry))
    assert decode_all([body]) == expected


@settings(max_examples=200, deadline=None)
@given(sse_streams(), st.data())
def test_decoder_gives_same_events_for_any_split_of_the_bytes(stream, data) -> None:  # type: ignore[no-untyped-def]
    """SSE-26/27: every chunking of a valid stream decodes to the events it was built from."""
    assert tuple(decode_all([stream.body])) == stream.events
    assert tuple(decode_all(data.draw(wire_splits(stream.body)))) == stream.events
