"""Fallback launcher for mockserver in its own process, used until the CLI exists.

`python benchmarks/_ours_server.py` runs the same app and uvicorn configuration as
`mockserver serve` (via `MockServer`'s `uvicorn_config`) in the main thread, bound to
127.0.0.1 on a free port, and prints the CLI's banner `mockserver listening on http://...`.
common.spawn_ours prefers `python -m mockserver serve --port 0` whenever that is available.
"""

from __future__ import annotations

import socket

import uvicorn

from mockserver.transport.server import MockServer, uvicorn_config


def main() -> None:
    handle = MockServer()  # builds state (with the built-in library) and the app, not started
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    print(f"mockserver listening on http://127.0.0.1:{port}", flush=True)
    uvicorn.Server(uvicorn_config(handle.app, "127.0.0.1", port)).run(sockets=[sock])


if __name__ == "__main__":
    main()
