"""`split(mode=inside_data)` over a real socket: the naive per-read parser breaks, the buffered
one does not (failure-modes.md SSE rows on chunk boundaries; WHATWG HTML 9.2.6).

Why in a browser: the classic hand-written `chunk.split('\\n')` client lives in web apps, and
only a real fetch + ReadableStream shows how Chromium hands the writes to JavaScript. The gap
between the pieces makes each piece its own `reader.read()`, so the outcome is deterministic.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TEXT = "Hello from the mock, streamed to a browser"
SPLIT = "split(mode=inside_data, gap_ms=40)"


def test_naive_browser_parser_breaks_when_writes_split_inside_data(chat, lane):
    lane.enqueue({"text": TEXT}, faults=[SPLIT])
    result = chat.run(lane.base_url, parser="naive")
    assert result["status"] == 200
    # The first read ends halfway through the first `data:` line: JSON.parse throws at once.
    assert result["error"]["name"] == "SyntaxError", (result, chat.console)
    assert result["error"]["phase"] == "parse"
    assert result["text"] == "" and result["done"] is False


def test_buffered_browser_parser_survives_writes_split_inside_data(chat, lane):
    lane.enqueue({"text": TEXT}, faults=[SPLIT])
    result = chat.run(lane.base_url, parser="buffered")
    assert result["error"] is None, (result, chat.console)
    assert (result["status"], result["text"], result["done"]) == (200, TEXT, True)


def test_split_stream_reaches_the_server_once_and_completes(chat, lane):
    lane.enqueue({"text": TEXT}, faults=[SPLIT])
    chat.run(lane.base_url, parser="buffered")
    posts = [entry for entry in lane.journal() if entry["method"] == "POST"]
    assert [(p["status"], p["outcome"]) for p in posts] == [(200, "completed")]
