"""Fixtures for tests that run a real headless Chromium against mockserver.

Why a real browser: CORS exists only there, and Chromium's fetch hides the status of a blocked
response behind `TypeError: Failed to fetch` (failure-modes.md 2.4). No in-process client can
show that, so these tests drive Debian's `chromium` through Python playwright
(`executable_path`, never a downloaded browser build).

Layout of a test:

    page origin  http://127.0.0.1:P1  (``web_origin``: a stdlib static server for fixtures/web)
    API origin   http://127.0.0.1:P2  (mockserver; different port = different origin)

The browser is launched once per session; every test gets a fresh context (``chat``), so
preflight caches and cookies never leak between tests (CORS-13). When no browser can be
started the tests fail under ``CI`` (the issue forbids skipping them there) and skip otherwise.
Every wait is bounded by ``WAIT_MS``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

WAIT_MS = 10_000
WEB_ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "web"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    """Where Debian's chromium is: ``MOCKSERVER_CHROMIUM``, else PATH, else /usr/bin."""
    explicit = os.environ.get("MOCKSERVER_CHROMIUM")
    if explicit:
        return explicit
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
    )


def _unavailable(reason: str) -> None:
    """Fail under CI (browser tests must never be skipped there), skip on a dev machine."""
    message = f"headless Chromium unavailable: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this is a failure; install Debian's chromium)")
    pytest.skip(message + " (install it with `apt-get install -y chromium`)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session, closed at teardown."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        _unavailable(f"python playwright not importable ({exc})")
    path = _chromium_path()
    if path is None:
        _unavailable("no chromium on PATH or at /usr/bin/chromium")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, timeout=WAIT_MS
        )
    except Exception as exc:
        manager.stop()
        _unavailable(f"{path} did not start: {exc}")
    try:
        yield chromium
    finally:
        chromium.close()
        manager.stop()


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files without request logging and without caching."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def web_origin() -> Iterator[str]:
    """A second loopback origin serving fixtures/web (the example page), stopped at teardown."""
    handler = functools.partial(_QuietHandler, directory=str(WEB_ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="web-origin", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class ChatPage:
    """The example page in a fresh browser context, plus what the console said."""

    def __init__(self, context: Any, origin: str) -> None:
        self.context = context
        self.origin = origin
        self.page = context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.console: list[str] = []
        self.page.on("console", lambda msg: self.console.append(msg.text))
        self.page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))

    def open(self, **params: str) -> None:
        """Load chat.html with the given query params (see the page's header comment)."""
        query = f"?{urlencode(params)}" if params else ""
        self.page.goto(f"{self.origin}/chat.html{query}", timeout=WAIT_MS)

    def run(self, base_url: str, **params: str) -> dict[str, Any]:
        """Load the page with ``auto=1`` and return the JSON it reports in ``#result``."""
        self.open(base=base_url, auto="1", **params)
        self.page.wait_for_selector('#result[data-state="done"]', timeout=WAIT_MS)
        result: dict[str, Any] = json.loads(self.page.text_content("#result") or "{}")
        return result

    def parse(self, parser: str, chunks: list[bytes]) -> list[str]:
        """Feed ``chunks`` (one per read) to the page's ``parser``; return the event data."""
        self.open()
        data: list[str] = self.page.evaluate(
            """([name, chunks]) => {
                const p = window.chatParsers[name]();
                const out = [];
                for (const c of chunks) {
                    for (const ev of p.feed(new Uint8Array(c))) out.push(ev.data);
                }
                for (const ev of p.end()) out.push(ev.data);
                return out;
            }""",
            [parser, [list(c) for c in chunks]],
        )
        return data

    def cors_messages(self) -> list[str]:
        """Console lines in which Chromium explains a CORS block."""
        return [line for line in self.console if "CORS policy" in line]


@pytest.fixture(scope="session")
def api_server() -> Iterator[Any]:
    """mockserver on its own loopback port: a different origin from ``web_origin``."""
    from mockserver.transport.server import MockServer

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
def chat(browser: Any, web_origin: str) -> Iterator[ChatPage]:
    """A fresh context (no shared preflight cache) with the example page helper."""
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    try:
        yield ChatPage(context, web_origin)
    finally:
        context.close()
