"""(11) Proxy overhead: what `serve --upstream` adds before the first byte (SPEC 10: <= 2 ms on
loopback).

One upstream, a mockserver process answering a 20-chunk stream; the same request sent to it
directly and through a second mockserver started with `--upstream <it>` (no faults: the
stream is passed on read by read; and with `X-Mock-Fault: malformed_json(at=99)`, a fault
that changes nothing but makes every event go through the live pipeline). A blocking raw
socket (one fresh connection per request, as wire.py's readers) timestamps the first `recv`
after the request was sent (first byte: the response head) and the `recv` that completed the
first event. Each round takes the median of N requests per contender; the figure is the
median over rounds of the per-round difference proxy - direct (the overhead in ms), next to
the direct figure. Target: first byte + 2 ms at most.
"""

from __future__ import annotations

import socket
import statistics
import time

from admin import enqueue
from common import rounds, spawn_ours
from report import Row
from sample import chat_request

__all__ = ["run"]

CHUNKS = 20


def _first_byte_and_event(port: int, path: str, headers: str = "") -> tuple[float, float]:
    """ms from sending the request to its first received byte, and to its first event."""
    request = chat_request("127.0.0.1", port, path, headers)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = b""
        sent = time.perf_counter()
        s.sendall(request)
        first = event = None
        while chunk := s.recv(1 << 16):
            now = time.perf_counter()
            first = first if first is not None else now
            data += chunk
            if event is None and b"\n\n" in data[data.find(b"\r\n\r\n") + 4:]:
                event = now
        assert first is not None and event is not None, data[:200]
    return (first - sent) * 1000, (event - sent) * 1000


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    if not ctx.ours:
        return [Row("proxy", "first byte", "ms", None, note="mockserver not importable")]
    n_rounds = 1 if ctx.smoke else (3 if ctx.quick else max(5, ctx.rounds))
    per_round = 5 if ctx.smoke else (20 if ctx.quick else 50)
    upstream = spawn_ours()
    proxy = spawn_ours("--upstream", upstream.url, "--quiet")
    try:
        enqueue(upstream.port, {"response": {"chunks": ["tok"] * CHUNKS}, "times": "always"})
        path = "/v1/chat/completions"
        fault = "x-mock-fault: malformed_json(at=99)\r\n"
        firsts: dict[str, list[float]] = {"direct": [], "proxy": [], "live": []}
        events: dict[str, list[float]] = {"direct": [], "proxy": [], "live": []}

        def measure(name: str, port: int, headers: str = "") -> float:
            samples = [_first_byte_and_event(port, path, headers) for _ in range(per_round)]
            firsts[name].append(statistics.median(s[0] for s in samples))
            events[name].append(statistics.median(s[1] for s in samples))
            return firsts[name][-1]

        for warm in (upstream.port, proxy.port):  # connections, imports, first renders
            for _ in range(5):
                _first_byte_and_event(warm, path)
        rounds(n_rounds, {"direct": lambda: measure("direct", upstream.port),
                          "proxy": lambda: measure("proxy", proxy.port),
                          "live": lambda: measure("live", proxy.port, fault)})
    finally:
        proxy.stop()
        upstream.stop()

    def added(d: dict[str, list[float]], name: str) -> float:
        return statistics.median(a - b for a, b in zip(d[name], d["direct"], strict=False))

    rows = []
    for name, label in (("proxy", "no faults"), ("live", "a live fault on every event")):
        first_added = added(firsts, name)
        rows.append(Row(
            "proxy", f"ms added before the first byte, {label}", "ms", first_added,
            baseline=f"direct to the upstream ({statistics.median(firsts['direct']):.2f} ms)",
            base=statistics.median(firsts["direct"]),
            ratio=statistics.median(a / b for a, b in zip(firsts[name], firsts["direct"],
                                                           strict=False)),
            target="<= 2 ms", met=first_added <= 2.0, better="lower",
            note=f"{n_rounds} rounds x {per_round} requests, fresh connection each"))
        rows.append(Row(
            "proxy", f"ms added before the first event, {label}", "ms", added(events, name),
            baseline=f"direct ({statistics.median(events['direct']):.2f} ms)",
            base=statistics.median(events["direct"]), better="lower"))
    return rows
