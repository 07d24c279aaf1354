"""Blocking raw-socket readers that timestamp what arrives: the instruments for timing fidelity.

`timed_events` records, for every SSE event, the `perf_counter` of the `recv` in which its
terminating blank line arrived. `frames_per_read` tells how the server's writes (HTTP/1.1
chunk frames: one per ASGI body message) were spread over the reader's `recv` calls, which is
what a client's parser actually sees. One process, one socket, no event loop: nothing between
the kernel and the timestamp.
"""

from __future__ import annotations

import bisect
import socket
import time

__all__ = ["timed_events", "reads_of", "frames_per_read", "pacing_errors", "Trace"]


class Trace:
    """Raw bytes of one response, the end offset and the time of every `recv`."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends: list[int] = []
        self.times: list[float] = []


def reads_of(port: int, request: bytes, timeout: float = 30.0) -> Trace:
    """Send `request` and record every `recv` until the server closes the connection."""
    tr = Trace()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(request)
        while chunk := s.recv(1 << 20):
            tr.times.append(time.perf_counter())
            tr.data += chunk
            tr.ends.append(len(tr.data))
    return tr


def timed_events(tr: Trace) -> list[float]:
    """Arrival time of each SSE event (`\\n\\n` ends an event; CRLF framing never matches)."""
    out: list[float] = []
    data = bytes(tr.data)
    pos = data.find(b"\r\n\r\n") + 4
    while (i := data.find(b"\n\n", pos)) >= 0:
        out.append(tr.times[bisect.bisect_left(tr.ends, i + 2)])
        pos = i + 2
    return out


def pacing_errors(times: list[float], gap_ms: float) -> tuple[list[float], float]:
    """Errors (ms) of arrivals against the schedule `t0 + i * gap`, and the drift (ms).

    The schedule is the one both servers are given: every event after the first one gap
    later than the one before (mockserver paces the finish chunk and `[DONE]` too). t0 is the
    first event's arrival. Drift is the least-squares slope of error against i, times the
    length of the stream: how far the stream ends from its schedule; chained sleeps grow it
    by their per-sleep lateness, deadline scheduling keeps it near zero.
    """
    if len(times) < 2:
        return [], float("nan")
    t0 = times[0]
    errs = [(t - t0) * 1000 - i * gap_ms for i, t in enumerate(times)]
    n = len(errs)
    mi, me = (n - 1) / 2, sum(errs) / n
    var = sum((i - mi) ** 2 for i in range(n))
    slope = sum((i - mi) * (e - me) for i, e in enumerate(errs)) / var
    return errs, slope * (n - 1)


def frames_per_read(tr: Trace) -> tuple[int, int]:
    """(frames that arrived alone in their own read, frames in total), chunked bodies only.

    A frame arrived "separately" when its data began and ended in one `recv` that held no
    byte of any other frame's data. The terminating zero-size frame is not counted.
    """
    data = bytes(tr.data)
    pos = data.find(b"\r\n\r\n") + 4
    head = data[:pos].lower()
    if b"chunked" not in head:
        raise ValueError("response is not chunked; cannot see its writes")
    spans = []
    while pos < len(data):
        eol = data.find(b"\r\n", pos)
        size = int(data[pos:eol].split(b";")[0], 16)
        if size == 0:
            break
        a, b = eol + 2, eol + 2 + size
        spans.append((bisect.bisect_right(tr.ends, a), bisect.bisect_left(tr.ends, b)))
        pos = b + 2
    touched: dict[int, int] = {}
    for ra, rb in spans:
        for r in range(ra, rb + 1):
            touched[r] = touched.get(r, 0) + 1
    alone = sum(1 for ra, rb in spans if ra == rb and touched[ra] == 1)
    return alone, len(spans)
