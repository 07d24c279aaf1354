"""Tiny blocking client for mockserver's admin API (`/_mock/`), with no third-party imports.

Benchmarks script the server through the same admin API users do (SPEC 2.4), over a raw
socket so that setting up a measurement never pulls an HTTP client into a timed process.
"""

from __future__ import annotations

import json
import socket

__all__ = ["enqueue", "reset", "admin_request", "dechunk"]


def admin_request(port: int, method: str, path: str, body: object | None = None,
                  timeout: float = 30.0) -> tuple[int, bytes]:
    """Send one request to 127.0.0.1:`port` and return (status, body)."""
    payload = b"" if body is None else json.dumps(body).encode()
    req = (f"{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n"
           f"content-type: application/json\r\ncontent-length: {len(payload)}\r\n"
           "connection: close\r\n\r\n").encode() + payload
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(req)
        parts = []
        while chunk := s.recv(65536):
            parts.append(chunk)
    raw = b"".join(parts)
    status = int(raw.split(b" ", 2)[1])
    return status, dechunk(raw)[1]


def enqueue(port: int, scenario: object, lane: str | None = None) -> bytes:
    """POST a scenario (or list) to `/_mock/scenarios`; raise unless the server says 201."""
    path = "/_mock/scenarios" + (f"?lane={lane}" if lane else "")
    status, body = admin_request(port, "POST", path, scenario)
    if status != 201:
        raise RuntimeError(f"enqueue failed: {status} {body[:300]!r}")
    return body


def reset(port: int, lane: str | None = None) -> None:
    """POST `/_mock/reset`, clearing queues and journal."""
    admin_request(port, "POST", "/_mock/reset" + (f"?lane={lane}" if lane else ""))


def dechunk(raw: bytes) -> tuple[bytes, bytes]:
    """Split an HTTP/1.1 response into (header block, de-chunked body)."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    if b"chunked" not in head.lower():
        return head, rest
    out = []
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return head, b"".join(out)
