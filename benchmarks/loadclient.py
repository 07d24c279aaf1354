"""The load client: N concurrent SSE or WebSocket streams over raw sockets, counting events.

Run in its own process (`python benchmarks/loadclient.py sse|ws --port P ...`); prints one JSON
line: events, seconds, events_per_s, client CPU seconds, and errors.

Why raw sockets and an `asyncio.Protocol`: the client must not be the bottleneck. Counting SSE
events is one `bytes.count(b"\\n\\n")` per read (HTTP chunk framing uses CRLF, so it never adds
a false match; one byte is carried over so a boundary split across reads still counts).
WebSocket frames are walked header by header (server frames are unmasked), which costs far less
per message than a full client library. `--deadline S` bounds a run: the client stops reading
after S seconds and reports the events received so far over that time, `partial`. `cpu_share`
(client CPU / wall) shows how close the client came to saturating its own core; run.py reports
it next to every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import raise_nofile  # noqa: E402
from sample import chat_request  # noqa: E402


class SSECounter(asyncio.Protocol):
    """Send one request, count `\\n\\n` in everything that comes back, finish on EOF."""

    def __init__(self, request: bytes, done: asyncio.Future[int]) -> None:
        self.request, self.done, self.events, self.last = request, done, 0, b""
        self.status = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        if not self.status:
            self.status = data[9:12]
        self.events += data.count(b"\n\n")
        if self.last == b"\n" and data[:1] == b"\n":
            self.events += 1
        self.last = data[-1:]

    def eof_received(self) -> None:
        if not self.done.done():
            self.done.set_result(self.events if self.status == b"200" else -1)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(self.events if exc is None and self.status == b"200" else -1)


def ws_handshake(port: int, path: str) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nupgrade: websocket\r\n"
            f"connection: Upgrade\r\nsec-websocket-key: {key}\r\n"
            "sec-websocket-version: 13\r\n\r\n").encode()


def ws_frame(text: str) -> bytes:
    """One masked client text frame (mask of zeros: valid, and XOR is a no-op)."""
    payload = text.encode()
    n = len(payload)
    head = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0xFE]) + n.to_bytes(2, "big")
    return head + b"\0\0\0\0" + payload


class WSCounter(asyncio.Protocol):
    """Upgrade, send the scripted messages, count text frames until `expect` arrived."""

    def __init__(self, port: int, path: str, messages: list[str], expect: int,
                 done: asyncio.Future[int]) -> None:
        self.hs, self.msgs = ws_handshake(port, path), messages
        self.expect, self.done, self.count = expect, done, 0
        self.buf, self.upgraded = b"", False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write(self.hs)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data
        if not self.upgraded:
            if b"\r\n\r\n" not in buf:
                self.buf = buf
                return
            head, _, buf = buf.partition(b"\r\n\r\n")
            if b" 101 " not in head.split(b"\r\n")[0]:
                return self._finish(-1)
            self.upgraded = True
            self.transport.write(b"".join(ws_frame(m) for m in self.msgs))  # type: ignore[attr-defined]
        i, n = 0, len(buf)
        while i + 2 <= n:
            op, ln = buf[i] & 0x0F, buf[i + 1] & 0x7F
            j = i + 2
            if ln == 126:
                if j + 2 > n:
                    break
                ln, j = int.from_bytes(buf[j:j + 2], "big"), j + 2
            elif ln == 127:
                if j + 8 > n:
                    break
                ln, j = int.from_bytes(buf[j:j + 8], "big"), j + 8
            if j + ln > n:
                break
            i = j + ln
            if op == 1:
                self.count += 1
            elif op == 8:
                return self._finish(self.count)
        self.buf = buf[i:]
        if self.count >= self.expect:
            self._finish(self.count)

    def _finish(self, value: int) -> None:
        if not self.done.done():
            self.done.set_result(value)
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(self.count if self.count >= self.expect else -1)


async def run(args: argparse.Namespace) -> dict[str, object]:
    loop = asyncio.get_running_loop()
    futs: list[asyncio.Future[int]] = []

    def factory() -> asyncio.Protocol:
        fut: asyncio.Future[int] = loop.create_future()
        futs.append(fut)
        if args.mode == "sse":
            hdr = "".join(f"{h}\r\n" for h in args.header)
            return SSECounter(chat_request("127.0.0.1", args.port, args.path, hdr), fut)
        return WSCounter(args.port, args.path, args.message, args.expect, fut)

    cpu0, t0 = time.process_time(), time.perf_counter()
    conns = await asyncio.gather(*(loop.create_connection(factory, "127.0.0.1", args.port)
                                   for _ in range(args.streams)))
    partial = False
    try:
        results = await asyncio.wait_for(asyncio.shield(asyncio.gather(*futs)),
                                         args.deadline or args.timeout)
    except asyncio.TimeoutError:
        if not args.deadline:
            raise
        # Deadline: what arrived so far, over the time it took, is still a rate; stop reading.
        partial = True
        protos = [p for _, p in conns]
        results = [getattr(p, "events", getattr(p, "count", 0)) for p in protos]
        for tr, _ in conns:
            tr.abort()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    good = [r for r in results if r >= 0]
    events = sum(good)
    bad = 0 if partial else (
        len(results) - len(good) + sum(1 for r in good if args.expect and r < args.expect))
    return {"events": events, "seconds": wall, "events_per_s": events / wall,
            "client_cpu_s": cpu, "cpu_share": cpu / wall, "errors": bad,
            "streams": args.streams, "partial": partial}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["sse", "ws"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/v1/chat/completions")
    ap.add_argument("--streams", type=int, default=1)
    ap.add_argument("--expect", type=int, default=0, help="events expected per stream")
    ap.add_argument("--header", action="append", default=[], help="extra 'name: value'")
    ap.add_argument("--message", action="append", default=[], help="WS text to send first")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--deadline", type=float, default=0.0,
                    help="stop after this many seconds and report the rate so far")
    args = ap.parse_args()
    raise_nofile()
    print(json.dumps(asyncio.run(run(args))), flush=True)


if __name__ == "__main__":
    main()
