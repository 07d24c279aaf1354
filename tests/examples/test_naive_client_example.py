"""A downstream-style suite: a hand-written streaming client tested with the fixture.

This is how a project that ships `naive_client.naive_chat` would use mockserver: one test per
fault its users meet in production, each asserting what a correct client must do. The naive
client's known bugs are marked `xfail(strict=True)`, so the day one is fixed the suite says so;
`careful_chat`, the fixed version, passes them all.
"""

from __future__ import annotations

import httpx
import pytest
from naive_client import careful_chat, naive_chat

TEXT = "Hello there, general Kenobi"
CLIENTS = [pytest.param(naive_chat, id="naive"), pytest.param(careful_chat, id="careful")]


def naive_bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=f"naive client bug: {reason}", strict=True)


@pytest.mark.parametrize("chat", CLIENTS)
def test_client_returns_the_whole_text_of_a_faithful_stream(mockserver, chat):
    mockserver.stream(TEXT)
    assert chat(mockserver.base_url) == TEXT
    assert mockserver.requests[0].outcome == "completed"


@pytest.mark.parametrize("chat", [
    pytest.param(naive_chat, id="naive", marks=naive_bug("each read is split on its own")),
    pytest.param(careful_chat, id="careful"),
])
@pytest.mark.parametrize("split", ["split(mode=every_byte)", "split(mode=inside_data)"])
def test_client_reassembles_events_cut_across_reads(mockserver, chat, split):
    mockserver.stream(TEXT, faults=[split])
    assert chat(mockserver.base_url) == TEXT


@pytest.mark.parametrize("chat", [
    pytest.param(naive_chat, id="naive", marks=naive_bug("partial text returned as complete")),
    pytest.param(careful_chat, id="careful"),
])
def test_client_raises_when_the_stream_ends_before_done(mockserver, chat):
    mockserver.stream(TEXT, faults=["close(after=2, mode=clean)"])
    with pytest.raises(Exception):  # noqa: B017 - any error beats a silently short answer
        chat(mockserver.base_url)


@pytest.mark.parametrize("chat", [
    pytest.param(naive_chat, id="naive", marks=naive_bug("the HTTP status is never checked")),
    pytest.param(careful_chat, id="careful"),
])
def test_client_raises_on_a_rate_limit(mockserver, chat):
    mockserver.error(429, type="rate_limit_error", message="Rate limit reached")
    with pytest.raises(httpx.HTTPStatusError):
        chat(mockserver.base_url)


@pytest.mark.parametrize("chat", CLIENTS)
def test_client_raises_on_an_incomplete_chunked_body(mockserver, chat):
    mockserver.stream(TEXT, faults=["close(after=2, mode=abrupt)"])
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"):
        chat(mockserver.base_url)


def test_naive_client_returns_an_empty_answer_for_a_json_error_body(mockserver):
    """Asserting the bug itself: the naive client turns a 500 into an empty answer."""
    mockserver.error(500)
    assert naive_chat(mockserver.base_url) == ""


def test_resilience_matrix_finds_the_naive_clients_silent_failures(mockserver):
    faults = ["close(after=2, mode=clean)", "split(mode=every_byte)", "status(code=503)",
              "missing_done", "close(after=2, mode=reset)"]
    naive = mockserver.resilience(naive_chat, faults=faults, timeout=5)
    assert {row.fault for row in naive.by_kind("silent_truncation")} == {
        "close(after=2, mode=clean)", "split(mode=every_byte)", "status(code=503)",
    }
    with pytest.raises(AssertionError, match="without raising under 3 fault"):
        naive.assert_no_silent_failures()
    careful = mockserver.resilience(careful_chat, faults=faults, timeout=5)
    careful.assert_no_silent_failures()
    assert careful["close(after=2, mode=reset)"].outcome in (
        "raised ReadError", "raised RemoteProtocolError",
    )
