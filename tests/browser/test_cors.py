"""CORS in a real headless Chromium: correct by default, every `cors(kind=...)` failing for real.

The example page (fixtures/web/chat.html) lives on one loopback origin and calls mockserver on
another with `Authorization` and `Content-Type: application/json`, so every call is preflighted.
Each test reads the page's verdict from the DOM, the browser's reason from the console, and
from the server's journal whether the POST ever reached it (preflight rejected vs response
blocked). Expected browser texts: failure-modes.md 2.4 (CORS-01..CORS-11), Chromium 156.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TEXT = "Hello from the mock, streamed to a browser"
FAILED_TO_FETCH = {"name": "TypeError", "message": "Failed to fetch", "phase": "fetch"}


@pytest.mark.parametrize("parser", ["naive", "buffered"])
def test_browser_streams_default_reply_intact_across_origins(chat, lane, parser):
    lane.enqueue({"text": TEXT})
    result = chat.run(lane.base_url, parser=parser)
    assert result["error"] is None, (result, chat.console)
    assert (result["status"], result["text"], result["done"]) == (200, TEXT, True)
    assert result["headers"]["x-request-id"].startswith("req_")  # exposed by default (CORS-10)
    assert chat.cors_messages() == []
    assert lane.methods() == ["OPTIONS", "POST"]


def test_browser_preflight_allows_openai_node_stainless_headers_by_default(chat, lane):
    # CORS-06: openai-node in a browser sends X-Stainless-*; the default preflight reflects them.
    lane.enqueue({"text": TEXT})
    result = chat.run(lane.base_url, sdk_headers="1")
    assert result["error"] is None, (result, chat.console)
    post = [entry for entry in lane.journal() if entry["method"] == "POST"][0]
    assert post["headers"]["x-stainless-runtime"] == "browser:chrome"


def test_browser_credentialed_fetch_works_by_default(chat, lane):
    # Default reflects the Origin and sends Access-Control-Allow-Credentials: true (CORS-03 fix).
    lane.enqueue({"text": TEXT})
    result = chat.run(lane.base_url, credentials="include")
    assert result["error"] is None, (result, chat.console)
    assert result["text"] == TEXT


# kind -> (page options, did the POST reach the server, what Chromium logs)
BLOCKING_KINDS = {
    "missing_allow_origin": ({}, True, "No 'Access-Control-Allow-Origin' header is present"),
    "wrong_origin": (
        {}, False,
        "has a value 'http://example.org' that is not equal to the supplied origin",
    ),
    "preflight_status": ({}, False, "It does not have HTTP ok status"),
    "no_allow_headers": (
        {}, False,
        "Request header field authorization is not allowed by Access-Control-Allow-Headers",
    ),
    "wildcard_with_credentials": (
        {"credentials": "include"}, False,
        "must not be the wildcard '*' when the request's credentials mode is 'include'",
    ),
}


@pytest.mark.parametrize("kind", sorted(BLOCKING_KINDS))
def test_browser_fetch_rejects_with_failed_to_fetch_under_cors_fault(chat, lane, kind):
    options, reached, reason = BLOCKING_KINDS[kind]
    lane.enqueue({"text": TEXT}, faults=[f"cors(kind={kind})"])
    result = chat.run(lane.base_url, **options)
    # The page sees no status at all: only the opaque TypeError.
    assert result["error"] == FAILED_TO_FETCH, (result, chat.console)
    assert result["status"] is None and result["text"] == ""
    assert any(reason in line for line in chat.cors_messages()), chat.console
    journal = lane.journal()
    assert journal[0]["method"] == "OPTIONS"
    posts = [entry for entry in journal if entry["method"] == "POST"]
    if reached:
        # Response blocked: the server answered 200 in full; the browser hid it.
        assert [(p["status"], p["outcome"]) for p in posts] == [(200, "completed")]
    else:
        # Preflight rejected: the real request never left the browser.
        assert posts == []


def test_browser_wildcard_origin_is_fine_without_credentials(chat, lane):
    lane.enqueue({"text": TEXT}, faults=["cors(kind=wildcard_with_credentials)"])
    result = chat.run(lane.base_url, credentials="omit")
    assert result["error"] is None and result["text"] == TEXT


def test_browser_cannot_read_request_id_when_headers_not_exposed(chat, lane):
    # CORS-10: the stream works, but x-request-id reads as null in JavaScript.
    lane.enqueue({"text": TEXT}, faults=["cors(kind=no_expose_headers)"])
    result = chat.run(lane.base_url)
    assert result["error"] is None and result["text"] == TEXT
    assert result["headers"]["x-request-id"] is None
    assert result["headers"]["content-type"].startswith("text/event-stream")  # safelisted
    assert lane.journal()[-1]["status"] == 200


def test_browser_sees_429_and_retry_after_by_default(chat, lane):
    # Chosen by header from the browser: X-Mock-* is allowed by the default preflight.
    lane.enqueue({"text": TEXT})
    result = chat.run(lane.base_url, fault="status(code=429, retry_after=1)")
    assert result["status"] == 429 and result["error"]["name"] == "HTTPError"
    assert result["headers"]["retry-after"] == "1"


def test_browser_loses_429_status_when_cors_missing_on_error(chat, lane):
    # The gateway drops CORS headers on errors only: a rate limit looks like a network error.
    lane.enqueue({"text": TEXT}, faults=["cors(kind=missing_on_error)", "status(code=429)"])
    result = chat.run(lane.base_url)
    assert result["error"] == FAILED_TO_FETCH, (result, chat.console)
    assert result["status"] is None
    assert any("No 'Access-Control-Allow-Origin'" in line for line in chat.cors_messages())
    posts = [entry for entry in lane.journal() if entry["method"] == "POST"]
    assert [p["status"] for p in posts] == [429]


def test_browser_stream_works_when_cors_missing_on_error_and_no_error(chat, lane):
    lane.enqueue({"text": TEXT}, faults=["cors(kind=missing_on_error)"])
    result = chat.run(lane.base_url)
    assert result["error"] is None and result["text"] == TEXT


def test_browser_read_rejects_when_stream_cut_after_cors_success(chat, lane):
    # CORS-11: fetch resolves 200, then reader.read() rejects with an opaque TypeError. Chromium
    # 156 words it "network error" for a stream reader (`await r.text()` says "Failed to fetch").
    # Chromium may drop bytes that arrive together with the cut, so chunks are spaced out.
    lane.enqueue({"text": TEXT}, faults=["close(after=3, mode=abrupt)"], timing={"chunk_ms": 80})
    result = chat.run(lane.base_url, parser="buffered")
    assert result["status"] == 200
    expected = {"name": "TypeError", "message": "network error", "phase": "read"}
    assert result["error"] == expected, (result, chat.console)
    assert result["text"].startswith("Hello") and result["text"] != TEXT
    assert TEXT.startswith(result["text"])
    assert any("ERR_INCOMPLETE_CHUNKED_ENCODING" in line for line in chat.console), chat.console
