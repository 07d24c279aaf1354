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


@pytest.fixture(autouse=True)
def _split_fault_registered():
    from mockserver.faults import registry

    if "split" not in registry():
        pytest.skip("fault 'split' is not in the registry yet")


def test_naive_browser_parser_breaks_when_writes_split_inside_data(chat, lane):
    lane.enqueue({"text": TEXT}, faults=[SPLIT])
    result = chat.run(lane.base_url, parser="naive")
    assert result["status"] == 200
    # JSON.parse of half a `data:` line throws, or (if the halves parse) text goes missing.
    broken = result["error"] is not None or result["text"] != TEXT
    assert broken, result
    if result["error"] is not None:
        assert result["error"]["name"] == "SyntaxError" and result["error"]["phase"] == "parse"


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
