"""``check_sse_parser`` passes conforming parsers and catches deliberately broken ones.

The broken parsers are ports of bugs real clients shipped (reference/failure-modes.md section
2.1): per-read ``split('\\n')`` (SSE-26/27), no BOM strip (SSE-01), ``\\n\\n``-only framing
(SSE-05), stripping all whitespace after the colon (SSE-10 over-correction).
"""

from __future__ import annotations

import ast
import codecs
import re
import subprocess
import sys

import pytest
from mockserver.fixtures import check_sse_parser

from mockserver.sse import SSEDecoder, decode_all

__all__: list[str] = []

_EOL = re.compile(r"\r\n|\r|\n")


def _events_from_lines(lines: list[str], *, strip_value: bool = False) -> list[str]:
    """A correct WHATWG field interpreter over already split lines (data only)."""
    events, data = [], []
    for line in lines:
        if not line:
            if data:
                events.append("\n".join(data))
            data = []
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value.lstrip() if strip_value else value.removeprefix(" ")
            if name == "data":
                data.append(value)
    return events


def _whole_body_lines(chunks: list[bytes], *, codec: str = "utf-8-sig") -> list[str]:
    text = b"".join(chunks).decode(codec, "replace")
    return _EOL.split(text)[:-1]  # the last piece is unterminated: dropped (R13)


def per_read_split_parser(chunks: list[bytes]) -> list[str]:
    """The classic hand-written browser client, ported: every read split on '\\n'."""
    out = []
    for chunk in chunks:
        for line in chunk.decode("utf-8", "replace").split("\n"):
            if line.startswith("data: "):
                out.append(line[len("data: ") :])
    return out


def no_bom_strip_parser(chunks: list[bytes]) -> list[str]:
    """Correct except that it decodes with plain UTF-8, so a BOM stays in the first line."""
    return _events_from_lines(_whole_body_lines(chunks, codec="utf-8"))


def double_lf_only_parser(chunks: list[bytes]) -> list[str]:
    """Frames events on '\\n\\n' and lines on '\\n' only (hey-api#3054)."""
    text = b"".join(chunks).decode("utf-8-sig", "replace")
    return _events_from_lines([line for block in text.split("\n\n")[:-1]
                               for line in [*block.split("\n"), ""]])


def strip_all_whitespace_parser(chunks: list[bytes]) -> list[str]:
    """Correct framing, but ``value.lstrip()`` instead of removing one space."""
    return _events_from_lines(_whole_body_lines(chunks), strip_value=True)


def reference_parser(chunks: list[bytes]) -> list[object]:
    decoder = SSEDecoder()
    return [event for chunk in chunks for event in decoder.decode(chunk)] + decoder.flush()


def test_check_passes_the_reference_decoder_and_a_correct_data_only_parser() -> None:
    check_sse_parser(reference_parser, max_examples=100, seed=0)
    check_sse_parser(lambda chunks: _events_from_lines(_whole_body_lines(chunks)),
                     max_examples=100, seed=1)


def test_check_shrinks_per_read_split_parser_to_a_few_bytes() -> None:
    with pytest.raises(AssertionError, match="disagrees") as info:
        check_sse_parser(per_read_split_parser, max_examples=200, seed=0)
    stream_line = str(info.value).splitlines()[1]
    assert int(re.search(r"\((\d+) bytes\)", stream_line).group(1)) <= 16


def test_check_catches_parser_that_keeps_the_bom() -> None:
    with pytest.raises(AssertionError, match=r"stream .*: b'\\xef\\xbb\\xbf"):
        check_sse_parser(no_bom_strip_parser, max_examples=200, seed=0)


def test_check_catches_parser_that_only_knows_double_lf() -> None:
    with pytest.raises(AssertionError, match=r"stream .*\\r"):
        check_sse_parser(double_lf_only_parser, max_examples=200, seed=0)


def test_check_catches_parser_that_strips_all_whitespace_after_colon() -> None:
    with pytest.raises(AssertionError, match=r"event \d+: data is"):
        check_sse_parser(strip_all_whitespace_parser, max_examples=200, seed=0)


def test_check_reports_a_crashing_parser_as_a_failure() -> None:
    def crashes(chunks: list[bytes]) -> list[str]:
        return [e.data.encode("ascii").decode() for e in decode_all(chunks)]

    with pytest.raises(AssertionError, match="parse\\(\\) raised UnicodeEncodeError"):
        check_sse_parser(crashes, max_examples=200, seed=0)


def test_check_failure_replays_identically_from_the_printed_seed() -> None:
    with pytest.raises(AssertionError) as first:
        check_sse_parser(per_read_split_parser, max_examples=50)
    seed = int(re.search(r"seed=(\d+)", str(first.value)).group(1))
    with pytest.raises(AssertionError) as again:
        check_sse_parser(per_read_split_parser, max_examples=50, seed=seed)
    assert str(again.value) == str(first.value)


def _httpx_sse_parse(chunks: list[bytes], *, drop_dataless: bool = False,
                     strip_bom: bool = False) -> list[object]:
    """httpx-sse 0.4.3 fed line by line, as its ``iter_sse`` does. Each of its two bugs can be
    masked, so that a test sees the other: ``drop_dataless`` drops the events of blocks without
    a ``data`` line, ``strip_bom`` removes a leading BOM before decoding."""
    decoders = pytest.importorskip("httpx_sse._decoders")
    if strip_bom and b"".join(chunks).startswith(b"\xef\xbb\xbf"):
        chunks = [b"".join(chunks)[3:]]
    text = codecs.getincrementaldecoder("utf-8")("replace")
    lines_decoder, decoder, lines = decoders.SSELineDecoder(), decoders.SSEDecoder(), []
    for chunk in [*chunks, None]:
        decoded = text.decode(b"", final=True) if chunk is None else text.decode(chunk)
        lines += lines_decoder.decode(decoded) if decoded else []
    events, saw_data = [], False
    for line in lines + lines_decoder.flush():
        saw_data = saw_data or line.startswith("data")
        event = decoder.decode(line)
        if event is not None and (saw_data or not drop_dataless):
            events.append(event)
        if line == "":
            saw_data = False
    return events


def test_check_finds_httpx_sse_bugs_beyond_the_bom_and_the_report_replays() -> None:
    """Found by running: with its BOM bug masked, httpx-sse 0.4.3 still disagrees with the
    spec: it dispatches an empty event for a block with no ``data`` line: an ``event:``- or
    ``retry:``-only block (SSE-14/15) or, once an id was seen, a comment followed by a blank
    line (SSE-08). Which block the search meets first depends on the seed; the call the report
    prints replays it, with more events than the reference, the extra ones empty."""
    def parse(chunks: list[bytes]) -> list[object]:
        return _httpx_sse_parse(chunks, strip_bom=True)

    with pytest.raises(AssertionError) as info:
        check_sse_parser(parse, max_examples=100, seed=0)
    message = str(info.value)
    chunks = ast.literal_eval(message.rsplit("parse(", 1)[1][:-1])  # the call it prints
    got, expected = parse(chunks), decode_all(chunks)
    assert len(got) > len(expected), message  # the extra events of dataless blocks
    assert sorted(e.data for e in got)[: len(got) - len(expected)] == [""] * (  # type: ignore[attr-defined]
        len(got) - len(expected))


def test_check_finds_leading_bom_bug_in_httpx_sse() -> None:
    """Found by running: httpx-sse 0.4.3 keeps U+FEFF in the first field name and loses the
    first event (SSE-01), once its dataless-block bug is masked."""
    def parse(chunks: list[bytes]) -> list[object]:
        return _httpx_sse_parse(chunks, drop_dataless=True)

    with pytest.raises(AssertionError, match=r"stream .*: b'\\xef\\xbb\\xbfdata"):
        check_sse_parser(parse, max_examples=100, seed=0)


def test_check_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError):
        check_sse_parser("not callable")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        check_sse_parser(reference_parser, max_examples=0)


def test_importing_fixtures_does_not_import_hypothesis() -> None:
    code = "import sys, mockserver.fixtures; print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
