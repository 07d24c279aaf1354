"""Headless Chromium on a thread of its own, and the example chat page driven through it.

Why a thread: playwright's sync API marks the calling thread's asyncio loop as *running*
between calls (playwright/sync_api/_context_manager.py), so a session-wide browser opened on
pytest's main thread makes every later `asyncio.run()` (pytest-asyncio, anyio, async SDK tests)
fail with "cannot be called from a running event loop". Owning playwright on one dedicated
thread keeps that mark there; the main thread only submits calls and waits, each wait bounded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlencode

from tools.chromium import CHROMIUM_ARGS

__all__ = ["WAIT_MS", "BrowserThread", "ChatPage"]

T = TypeVar("T")
WAIT_MS = 10_000


class BrowserThread:
    """playwright + one Chromium, every call run on the single thread that owns them."""

    def __init__(self, path: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._manager: Any = None
        self.chromium: Any = None
        try:
            self.call(self._launch, path)
        except BaseException:
            self.close()
            raise

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the browser thread; give up after three ``WAIT_MS``."""
        return self._pool.submit(fn, *args).result(timeout=3 * WAIT_MS / 1000)

    def _launch(self, path: str) -> None:
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright().start()
        self.chromium = self._manager.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, timeout=WAIT_MS
        )

    def _stop(self) -> None:
        try:
            if self.chromium is not None:
                self.chromium.close()
        finally:
            if self._manager is not None:
                self._manager.stop()
            self.chromium = self._manager = None

    def close(self) -> None:
        """Close Chromium and playwright, then end the thread."""
        try:
            self.call(self._stop)
        finally:
            self._pool.shutdown(wait=True)


class ChatPage:
    """fixtures/web/chat.html in a fresh browser context, plus what the console said."""

    def __init__(self, browser: BrowserThread, origin: str) -> None:
        self._browser = browser
        self.origin = origin
        self.console: list[str] = []
        self.context, self.page = browser.call(self._open_context)

    def _open_context(self) -> tuple[Any, Any]:
        context = self._browser.chromium.new_context()
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        page.on("console", lambda msg: self.console.append(msg.text))
        page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))
        return context, page

    def close(self) -> None:
        self._browser.call(self.context.close)

    def open(self, **params: str) -> None:
        """Load chat.html with the given query params (see the page's header comment)."""
        query = f"?{urlencode(params)}" if params else ""
        self._browser.call(
            lambda: self.page.goto(f"{self.origin}/chat.html{query}", timeout=WAIT_MS)
        )

    def run(self, base_url: str, **params: str) -> dict[str, Any]:
        """Load the page with ``auto=1`` and return the JSON it reports in ``#result``.

        The page's own default parser is the naive one, which needs every read to end on a
        line end; fetch's stream reads do not promise that (one full-suite run saw a fault-free
        stream's read end inside an event). A test that is not about parsing gets the correct
        parser unless it names one."""
        params.setdefault("parser", "buffered")
        self.open(base=base_url, auto="1", **params)

        def read() -> str:
            self.page.wait_for_selector('#result[data-state="done"]', timeout=WAIT_MS)
            return self.page.text_content("#result") or "{}"

        result: dict[str, Any] = json.loads(self._browser.call(read))
        return result

    def parse(self, parser: str, chunks: list[bytes]) -> list[str]:
        """Feed ``chunks`` (one per read) to the page's ``parser``; return the event data."""
        self.open()
        script = """([name, chunks]) => {
            const p = window.chatParsers[name]();
            const out = [];
            for (const c of chunks) {
                for (const ev of p.feed(new Uint8Array(c))) out.push(ev.data);
            }
            for (const ev of p.end()) out.push(ev.data);
            return out;
        }"""
        args = [parser, [list(c) for c in chunks]]
        data: list[str] = self._browser.call(self.page.evaluate, script, args)
        return data

    def cors_messages(self) -> list[str]:
        """Console lines in which Chromium explains a CORS block."""
        return [line for line in self.console if "CORS policy" in line]
