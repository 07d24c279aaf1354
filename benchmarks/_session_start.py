"""Time one in-thread server's session start inside a fresh interpreter; print {"ms": ...}.

    python benchmarks/_session_start.py KIND [HTTP LOOP]

What a pytest session pays the first time a test asks for the server: the imports the
plugin defers until then, starting the server, and waiting until it serves. Stopping it is
not counted (it happens at session end). Kinds: `mockserver` (the `MockServer` handle the
plugin starts), `httpserver` (pytest-httpserver's `HTTPServer`), `uvicorn` (a bare Starlette
app on uvicorn in a thread). HTTP and LOOP (default httptools uvloop) are the stack of
`mockserver` and `uvicorn`.
"""

from __future__ import annotations

import json
import sys
import time


def main(kind: str, http: str = "httptools", loop: str = "uvloop") -> None:
    t0 = time.perf_counter()
    if kind == "mockserver":
        from mockserver.transport.server import MockServer

        server = MockServer(http=http, loop=loop)
        server.__enter__()
        stop = lambda: server.__exit__(None, None, None)  # noqa: E731
    elif kind == "httpserver":
        from pytest_httpserver import HTTPServer

        server = HTTPServer(host="127.0.0.1", port=0)
        server.start()
        stop = server.stop
    else:
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        from inthread import BareUvicorn

        server = BareUvicorn(http=http, loop=loop)
        server.start()
        stop = server.stop
    ms = (time.perf_counter() - t0) * 1000
    stop()
    print(json.dumps({"ms": ms}))


if __name__ == "__main__":
    main(*sys.argv[1:])
