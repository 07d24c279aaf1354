"""A bare Starlette app on uvicorn in a background thread: the in-thread fixture baseline.

This is what a hand-rolled pytest fixture around uvicorn costs with nothing else in it: the
per-test and session-start floor for any mock server that runs a real socket in-process
(peers' figures are quoted as ratios to it). It answers every POST with the SSE bytes of a
20-chunk chat completion stream, one event per write.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sample import load_sample  # noqa: E402

__all__ = ["BareUvicorn", "sse_body"]


def sse_body(n: int = 20) -> bytes:
    """The bytes of an `n`-chunk chat completion stream (synthetic sample)."""
    return b"".join(load_sample(None).events(n))


class BareUvicorn:
    """Start/stop a bare Starlette SSE app on uvicorn, bound to 127.0.0.1 on a free port,
    on the given stack (uvicorn's `http=` and `loop=`)."""

    def __init__(self, n: int = 20, *, http: str = "httptools", loop: str = "uvloop") -> None:
        self.events = list(load_sample(None).events(n))
        self.http, self.loop = http, loop
        self.port = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        import uvicorn
        from starlette.applications import Starlette
        from starlette.responses import StreamingResponse
        from starlette.routing import Route

        events = self.events

        async def chat(request):  # type: ignore[no-untyped-def]
            await request.body()

            async def gen():  # type: ignore[no-untyped-def]
                for ev in events:
                    yield ev

            return StreamingResponse(gen(), media_type="text/event-stream; charset=utf-8")

        app = Starlette(routes=[Route("/{path:path}", chat, methods=["POST"])])
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                                    http=self.http, loop=self.loop))
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("bare uvicorn did not start")
            time.sleep(0.001)

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread:
            self._thread.join(10)
