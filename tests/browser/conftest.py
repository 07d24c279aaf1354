"""Fixtures for tests that run a real headless Chromium against mockserver.

Why a real browser: CORS exists only there, and Chromium's fetch hides the status of a blocked
response behind `TypeError: Failed to fetch` (failure-modes.md 2.4). No in-process client can
show that, so these tests drive Debian's `chromium` through Python playwright
(`executable_path`, never a downloaded browser build).

Layout of a test:

    page origin  http://127.0.0.1:P1  (``web_origin``: a stdlib static server for fixtures/web)
    API origin   http://127.0.0.1:P2  (mockserver; different port = different origin)

The browser is launched once per session, on its own thread (see browser_harness.py); every
test gets a fresh context (``chat``), so preflight caches and cookies never leak (CORS-13).
When no browser can be started the tests fail under ``CI`` (the issue forbids skipping them
there) and skip otherwise.
Every wait is bounded by ``WAIT_MS``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from browser_harness import WAIT_MS, BrowserThread, ChatPage

from tools.chromium import chromium_path, static_origin


def _unavailable(reason: str) -> None:
    """Fail under CI (browser tests must never be skipped there), skip on a dev machine."""
    message = f"headless Chromium unavailable: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this is a failure; install Debian's chromium)")
    pytest.skip(message + " (install it with `apt-get install -y chromium`)")


@pytest.fixture(scope="session")
def browser() -> Iterator[BrowserThread]:
    """One Chromium for the whole session (on its own thread), closed at teardown."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        _unavailable(f"python playwright not importable ({exc})")
    path = chromium_path()
    if path is None:
        _unavailable("no chromium on PATH or at /usr/bin/chromium")
    try:
        handle = BrowserThread(path)
    except Exception as exc:
        _unavailable(f"{path} did not start: {exc}")
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture(scope="session")
def web_origin() -> Iterator[str]:
    """A second loopback origin serving fixtures/web (the example page), stopped at teardown."""
    with static_origin() as origin:
        yield origin


@pytest.fixture(scope="session")
def api_server() -> Iterator[Any]:
    """mockserver on its own loopback port: a different origin from ``web_origin``."""
    from mockserver import MockServer

    with MockServer() as server:
        yield server
        server.check()


class Lane:
    """One test's lane on the shared server, driven through the public admin API."""

    def __init__(self, server: Any) -> None:
        import httpx

        self.id = f"browser-{uuid.uuid4().hex[:12]}"
        self.base_url = f"{server.url}/lane/{self.id}/v1"
        self._admin = httpx.Client(base_url=f"{server.url}/_mock", timeout=WAIT_MS / 1000)

    def enqueue(
        self, response: dict[str, Any], faults: list[str] | None = None, **extra: Any
    ) -> None:
        """Queue one scenario (``POST /_mock/scenarios?lane=ID``); its faults reach the preflight.

        ``extra`` holds other scenario keys (``timing``, ``times``, ...)."""
        scenario = {"response": response, "faults": faults or [], **extra}
        reply = self._admin.post("/scenarios", params={"lane": self.id}, json=scenario)
        assert reply.status_code == 201, reply.text

    def journal(self) -> list[dict[str, Any]]:
        """What this lane's server side saw (``GET /_mock/journal?lane=ID``), in arrival order."""
        reply = self._admin.get("/journal", params={"lane": self.id})
        assert reply.status_code == 200, reply.text
        requests: list[dict[str, Any]] = reply.json()["requests"]
        return requests

    def methods(self) -> list[str]:
        return [entry["method"] for entry in self.journal()]

    def close(self) -> None:
        self._admin.close()


@pytest.fixture
def lane(api_server: Any) -> Iterator[Lane]:
    """A fresh lane, so queued scenarios and journals never mix between tests."""
    handle = Lane(api_server)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def chat(browser: BrowserThread, web_origin: str) -> Iterator[ChatPage]:
    """A fresh context (no shared preflight cache) with the example page helper."""
    page = ChatPage(browser, web_origin)
    try:
        yield page
    finally:
        page.close()
