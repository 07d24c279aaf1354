"""Helpers for the hostile-input tests: the journal read as strict JSON, a check that the
server still answers a good request, and a slowloris connection watched until it is closed."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx

from mockserver import MockServer

GOOD = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "Hi"}]}


def strict_journal(url: str, lane: str | None = None) -> dict[str, Any]:
    """GET /_mock/journal, parsed as strict JSON (NaN, Infinity and lone surrogates refused)."""
    query = {"lane": lane} if lane else {}
    response = httpx.get(f"{url}/_mock/journal", params=query, timeout=10)
    assert response.status_code == 200, response.text[:500]
    response.content.decode("utf-8")  # strict: a lone surrogate cannot be encoded as UTF-8

    def refuse(name: str) -> Any:
        raise AssertionError(f"journal holds {name}")

    data: dict[str, Any] = json.loads(response.content, parse_constant=refuse)
    return data


def assert_still_serving(server: MockServer) -> None:
    with httpx.Client(timeout=10) as client:
        reply = client.post(f"{server.base_url}/chat/completions", json=GOOD)
        assert reply.status_code == 200, reply.text[:300]
        assert client.get(f"{server.url}/_mock/health").json() == {"status": "ok"}


def closed_by_server(sock: socket.socket, *, dribble: bytes = b"", bound: float = 15.0) -> bool:
    """Send `dribble` a byte at a time (every 0.1 s) until the server closes the connection;
    False if it is still open after `bound` seconds."""
    sock.settimeout(0.1)
    deadline = time.monotonic() + bound
    position = 0
    while time.monotonic() < deadline:
        try:
            if sock.recv(4096) == b"":
                return True
        except TimeoutError:
            pass
        except OSError:  # reset
            return True
        if dribble:
            try:
                sock.sendall(dribble[position % len(dribble):][:1])
            except OSError:
                return True
            position += 1
    return False
