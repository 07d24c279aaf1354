"""The SSE bytes every server in a comparison sends, taken from mockserver itself.

`capture(url)` asks a running mockserver for a short scripted stream (`chunks: ["tok"] * 8`)
and splits the body into events: head (the role chunk), body (the content chunks) and tail
(finish chunk and `data: [DONE]`). The baselines replay `head + body * n + tail`, so they
send events of exactly the size and shape mockserver sends, only without doing any work to
produce them. `synthetic()` is the same shape written from `reference/openai-wire.md`, used
until a capture is available (e.g. when the baselines are run on their own).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from admin import dechunk, enqueue

__all__ = ["Sample", "capture", "synthetic", "load_sample", "chat_request", "TOKEN"]

TOKEN = "tok"


@dataclass
class Sample:
    """Head, cycled body and tail events of one chat completion stream, as raw bytes."""

    head: list[bytes]
    body: list[bytes]
    tail: list[bytes]
    source: str = "synthetic"
    headers: dict[str, str] = field(default_factory=dict)

    def events(self, n: int) -> Iterator[bytes]:
        """Yield the head, `n` content events (the body cycled), then the tail."""
        yield from self.head
        body, k = self.body, len(self.body)
        for i in range(n):
            yield body[i % k]
        yield from self.tail

    def count(self, n: int) -> int:
        """How many SSE events a stream of `n` content chunks has on the wire."""
        return len(self.head) + n + len(self.tail)

    def save(self, path: Path) -> Path:
        data = {k: [e.decode("latin-1") for e in getattr(self, k)]
                for k in ("head", "body", "tail")}
        path.write_text(json.dumps({**data, "source": self.source}))
        return path


def _chunk(delta: str, finish: str = "null") -> bytes:
    return (
        'data: {"id":"chatcmpl-Mk1","object":"chat.completion.chunk","created":1767000000,'
        '"model":"gpt-4.1-2025-04-14","service_tier":"default","system_fingerprint":"fp_0a1b2c3d4e",'
        f'"choices":[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":{finish}}}],'
        '"obfuscation":"pR2kT9"}\n\n'
    ).encode()


def synthetic() -> Sample:
    """A stream shaped like the real API's (openai-wire.md 1.1), for use without mockserver."""
    return Sample(
        head=[_chunk('{"role":"assistant","content":"","refusal":null}')],
        body=[_chunk(f'{{"content":"{TOKEN}"}}')],
        tail=[_chunk("{}", '"stop"'), b"data: [DONE]\n\n"],
    )


def chat_request(host: str, port: int, path: str = "/v1/chat/completions",
                 extra_headers: str = "") -> bytes:
    """A complete HTTP/1.1 streaming chat request that asks the server to close afterwards."""
    body = json.dumps({"model": "gpt-4.1", "stream": True,
                       "messages": [{"role": "user", "content": "hi"}]}).encode()
    return (f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
            f"authorization: Bearer test\r\ncontent-length: {len(body)}\r\n{extra_headers}"
            "connection: close\r\n\r\n").encode() + body


def _read_all(port: int, request: bytes, timeout: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        parts = []
        while chunk := s.recv(65536):
            parts.append(chunk)
    return b"".join(parts)


def capture(port: int) -> Sample:
    """Ask mockserver on `port` for an 8-chunk scripted stream and cut it into a Sample."""
    enqueue(port, {"response": {"chunks": [TOKEN] * 8}, "times": 1})
    _, body = dechunk(_read_all(port, chat_request("127.0.0.1", port)))
    events = [e + b"\n\n" for e in body.split(b"\n\n") if e]
    content = [e for e in events if f'"content":"{TOKEN}"'.encode() in e]
    if len(content) != 8:
        raise RuntimeError(f"unexpected capture from mockserver: {body[:500]!r}")
    first = events.index(content[0])
    return Sample(head=events[:first], body=content, tail=events[first + 8:], source="mockserver")


def load_sample(path: Path | None) -> Sample:
    """Load a Sample saved by `Sample.save`, or the synthetic one when `path` is None."""
    if path is None:
        return synthetic()
    data = json.loads(path.read_text())
    return Sample(*([e.encode("latin-1") for e in data[k]] for k in ("head", "body", "tail")),
                  source=data.get("source", "file"))
