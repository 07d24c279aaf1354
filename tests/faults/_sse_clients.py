"""Client drivers shared by the sse and payload fault tests (not a test module).

Each driver talks to one lane of the module's real server (tests/faults/conftest.py) and
returns what that client observed: openai-python chunks, httpx-sse events, or the exact HTTP
chunks (= the server's flushed writes) and read boundaries seen by a bare socket.
"""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
import httpx_sse
from openai import OpenAI

from mockserver.sse import decode_all

__all__ = [
    "MESSAGES", "TEXT", "BODY", "enqueue", "openai_chunks", "final_completion", "text_of",
    "sse_events", "raw_reads", "raw_body", "reference_events",
]

MESSAGES = [{"role": "user", "content": "hi"}]
TEXT = "Hello there world"
BODY = {"model": "gpt-4.1", "messages": MESSAGES, "stream": True}


def enqueue(lane: Any, faults: str, **response: Any) -> None:
    """Queue one answer (default: TEXT) with `faults` on the lane."""
    lane.enqueue({"response": response or {"text": TEXT}, "faults": [faults] if faults else []})


def openai_chunks(lane: Any, into: list[Any] | None = None, **extra: Any) -> list[Any]:
    """Stream with openai-python; chunks go to `into` as they arrive (kept if it raises)."""
    out = [] if into is None else into
    client = OpenAI(base_url=lane.base_url, api_key="x", max_retries=0, timeout=5)
    with client:
        for chunk in client.chat.completions.create(
            model="gpt-4.1", messages=MESSAGES, stream=True, **extra
        ):
            out.append(chunk)
    return out


def final_completion(lane: Any, **extra: Any) -> Any:
    """The `chat.completions.stream()` accumulator's final completion."""
    client = OpenAI(base_url=lane.base_url, api_key="x", max_retries=0, timeout=5)
    with client, client.chat.completions.stream(
        model="gpt-4.1", messages=MESSAGES, **extra
    ) as stream:
        for _ in stream:
            pass
        return stream.get_final_completion()


def text_of(chunks: list[Any]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def sse_events(
    lane: Any, into: list[Any] | None = None, *, timeout: float = 5.0, **extra: Any
) -> list[Any]:
    """Events seen by httpx-sse; they go to `into` as they arrive (kept if it raises)."""
    out = [] if into is None else into
    with httpx.Client(timeout=timeout) as client, httpx_sse.connect_sse(
        client, "POST", lane.url("/v1/chat/completions"), json={**BODY, **extra}
    ) as source:
        for event in source.iter_sse():
            out.append(event)
    return out


def raw_reads(lane: Any) -> tuple[bytes, list[bytes], list[int], list[int]]:
    """POST over a bare socket; return (head, HTTP chunk payloads, read ends, chunk ends).

    The chunk payloads are the server's writes exactly (one flushed write = one HTTP chunk);
    read ends and chunk ends are offsets in the stream after the head.
    """
    url = urlsplit(lane.url("/v1/chat/completions"))
    payload = json.dumps(BODY).encode()
    request = (
        f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    ).encode() + payload
    reads: list[bytes] = []
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(request)
        while data := sock.recv(65536):
            reads.append(data)
    stream = b"".join(reads)
    head, sep, rest = stream.partition(b"\r\n\r\n")
    assert sep and b"transfer-encoding: chunked" in head.lower()
    skip = len(head) + 4
    read_ends, total = [], 0
    for data in reads:
        total += len(data)
        if total > skip:
            read_ends.append(total - skip)
    chunks, chunk_ends, pos = [], [], 0
    while True:
        line_end = rest.index(b"\r\n", pos)
        size = int(rest[pos:line_end], 16)
        if size == 0:
            break
        start = line_end + 2
        chunks.append(rest[start : start + size])
        pos = start + size + 2
        chunk_ends.append(pos)
    return head, chunks, read_ends, chunk_ends


def raw_body(lane: Any) -> tuple[bytes, list[bytes]]:
    _, chunks, _, _ = raw_reads(lane)
    return b"".join(chunks), chunks


def reference_events(body: bytes) -> list[str]:
    """Event data as the WHATWG-exact decoder of mockserver.sse reads them."""
    return [e.data for e in decode_all([body])]
