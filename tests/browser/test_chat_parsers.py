"""The example page's two SSE parsers, run inside Chromium on hand-made reads.

Why: the CORS and split tests read the page's verdict, so the page's parsers must be known to
behave as documented: the naive per-read ``split('\\n')`` parser is right only when every read
ends on a line boundary, the buffered one is right for any split (WHATWG HTML 9.2.6,
"Interpreting an event stream"). These tests need no mockserver, only the browser.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CHUNK_1 = b'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n'
CHUNK_2 = b'data: {"choices":[{"delta":{"content":"lo \xc3\xa9"}}]}\n\n'
DONE = b"data: [DONE]\n\n"
STREAM = CHUNK_1 + CHUNK_2 + DONE
EXPECTED = [
    '{"choices":[{"delta":{"content":"Hel"}}]}',
    '{"choices":[{"delta":{"content":"lo é"}}]}',
    "[DONE]",
]


@pytest.mark.parametrize("parser", ["naive", "buffered"])
def test_parser_reads_whole_events_when_reads_end_on_event_boundaries(chat, parser):
    assert chat.parse(parser, [CHUNK_1, CHUNK_2, DONE]) == EXPECTED


def test_naive_parser_sees_half_json_when_a_read_ends_inside_data(chat):
    cut = CHUNK_1.index(b"Hel")
    data = chat.parse("naive", [STREAM[:cut], STREAM[cut:]])
    assert data[0] == '{"choices":[{"delta":{"content":"'
    assert data != EXPECTED


def test_buffered_parser_is_unaffected_by_any_split(chat):
    every_byte = [STREAM[i : i + 1] for i in range(len(STREAM))]
    assert chat.parse("buffered", every_byte) == EXPECTED


def test_buffered_parser_joins_crlf_split_across_reads(chat):
    # SSE-06: a CR at the end of one read and its LF at the start of the next are one line end.
    chunks = [b"data: A\r", b"\ndata: B\r", b"\n\r", b"\n"]
    assert chat.parse("buffered", chunks) == ["A\nB"]


def test_buffered_parser_ignores_comments_and_drops_unterminated_last_event(chat):
    chunks = [b": keepalive\n\n", b"event: x\ndata: 1\n\n", b"data: tail-without-blank-line\n"]
    assert chat.parse("buffered", chunks) == ["1"]


def test_naive_parser_mangles_utf8_split_inside_a_character(chat):
    cut = CHUNK_2.index(b"\xc3") + 1
    stream = CHUNK_2 + DONE
    data = chat.parse("naive", [stream[:cut], stream[cut:]])
    assert "é" not in "".join(data)
    assert chat.parse("buffered", [stream[:cut], stream[cut:]]) == EXPECTED[1:]
