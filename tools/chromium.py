"""Debian's headless Chromium and a static origin for the example page, shared by the browser
tests (tests/browser), the inspector tests and the client-outcome tool (tools/outcomes).

    chromium_path()      MOCKSERVER_CHROMIUM, else `chromium` on PATH, else /usr/bin/chromium
    CHROMIUM_ARGS        headless flags that keep it off the (closed) network at start-up
    static_origin(dir)   a stdlib HTTP server on 127.0.0.1 (a second origin), stopped on exit
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM_ARGS", "WEB_ROOT", "chromium_path", "static_origin"]

#: fixtures/web: the example chat page the browser tests and the outcome tool load
WEB_ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "web"
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


def chromium_path() -> str | None:
    """Where Debian's chromium is: ``MOCKSERVER_CHROMIUM``, else PATH, else /usr/bin."""
    explicit = os.environ.get("MOCKSERVER_CHROMIUM")
    if explicit:
        return explicit
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files without request logging and without caching."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_origin(directory: Path = WEB_ROOT, *, name: str = "web-origin") -> Iterator[str]:
    """Serve `directory` on a free loopback port; yields its origin, `http://127.0.0.1:P`."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
