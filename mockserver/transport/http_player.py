"""Play a WirePlan through ASGI (uvicorn frames the HTTP) or over the raw socket.

    play(plan, scope, receive, send)
      ├── plan.requires_raw_socket ── play_raw: head, chunk framing and closes written by hand
      └── otherwise ──────────────── ASGI messages, one flushed write per Write op

Sleeps follow `core/plan.py`: pacing sleeps (`since="schedule"`) end at deadlines counted from
where the first pause begins, not chained, so pacing does not drift; spacing sleeps
(`since="write"`) end at least `seconds` after the previous write went out. The event loop's
selector rounds timeouts up to whole milliseconds (epoll; uvloop's clock and timers move in
whole milliseconds), so deadlines are kept on `_clock` (CLOCK_MONOTONIC at full resolution), a
pacing sleep wakes `_EARLY` before its deadline and yields to the loop until it: the busy part
is bounded by `_EARLY` (plus a millisecond of timer rounding) per pause. While sleeping the
player watches for the client going away. Returns what happened: `completed`, `closed`
(server dropped the socket), `reset` or `client_disconnected`.

When the inspector watches (an open `/_mock/events` stream), the caller passes a `marks` list
and the player records when each op began, as (seconds since the first op, op index): the
ops are then read through `_marked`. Unwatched, `marks` is None (one test per stream) and a
fault-free stream's body is poured: `LazyOps.payloads` written as chunk frames in `_pour`'s
tight loop, without building a Write op per event.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from mockserver.core.plan import Close, LazyOps, Sleep, Start, WirePlan, Write
from mockserver.transport._internals import drain, flush, transport_of

__all__ = ["play", "Played", "reset_transport", "MARKED_OPS"]

# How long before a pacing deadline the timer fires; the rest is spent yielding to the loop.
# Covers epoll's rounding of the timeout up to the next millisecond plus the kernel's timer
# slack (50 us by default).
_EARLY = 0.0012


#: the player's clock for pacing: uvloop's `loop.time()` only moves in whole milliseconds, so
#: deadlines and the yielding part of a wait are measured on this one (asyncio's own clock,
#: CLOCK_MONOTONIC, at full resolution); the loop's timers only do the coarse part
_clock = time.monotonic

#: bytes buffered in the transport above which a direct write waits for the client to read
_HIGH_WATER = 64 * 1024

#: ops whose start times are kept one by one; past them one slot keeps the latest op's
MARKED_OPS = 2000


@dataclass
class Played:
    outcome: str
    bytes_sent: int


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class _Disconnect:
    """Watches `receive()` for http.disconnect, started only when the plan waits."""

    def __init__(self, receive: Any) -> None:
        self.gone = False
        self._waiter: asyncio.Future[None] | None = None
        self.task = asyncio.ensure_future(self._watch(receive))

    async def _watch(self, receive: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.gone = True
                if self._waiter is not None:
                    _wake(self._waiter)
                return

    async def until(self, when: float, *, exact: bool = False) -> bool:
        """Wait until `_clock()` reaches `when`, never less; True if the client disconnected
        meanwhile. `exact`: the timer fires `_EARLY` before `when` and the rest is spent
        yielding to the loop, so the wait ends within microseconds of `when`, not up to a
        millisecond after. The timer may fire early (uvloop rounds it to whole milliseconds):
        the yielding part then covers the difference too."""
        loop = asyncio.get_running_loop()
        wake = when - _EARLY if exact else when
        delay = wake - _clock()
        if not self.gone and delay > 0:
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiter = waiter
            timer = loop.call_later(delay, _wake, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
        while not self.gone and _clock() < when:
            await asyncio.sleep(0)
        return self.gone

    async def sleep(self, seconds: float) -> bool:
        """Sleep at least `seconds`; True if the client disconnected meanwhile."""
        return await self.until(_clock() + seconds)

    def stop(self) -> None:
        self.task.cancel()


async def reset_transport(transport: asyncio.Transport | None) -> None:
    """Send a TCP RST: flush what is buffered, set SO_LINGER(1, 0), abort."""
    if transport is None or transport.is_closing():
        return
    await flush(transport)
    await asyncio.sleep(0.01)  # let the client read the last bytes before the RST lands
    if transport.is_closing():  # the client left meanwhile: nothing to reset
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except (OSError, ValueError):  # closed under us (fd -1): the connection is gone
            return
    transport.abort()


async def _await_disconnect(
    receive: Any, watcher: _Disconnect | None, timeout: float = 2.0
) -> None:
    """After dropping the socket, wait until uvicorn has noticed, so it sends nothing more."""
    if watcher is not None:
        await watcher.sleep(timeout)
        return

    async def drain() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(drain(), timeout)
    except asyncio.TimeoutError:
        pass


async def _wait(watcher: _Disconnect | None, when: float, exact: bool) -> bool:
    """Wait until `_clock()` reaches `when`; True if the client went away meanwhile."""
    if watcher is not None:
        return await watcher.until(when, exact=exact)
    delay = when - _clock()
    if delay > 0:
        await asyncio.sleep(delay)
    while _clock() < when:
        await asyncio.sleep(0)
    return False


class _Pour:
    """Stands for the body of a fault-free stream in the op sequence: its payloads, each
    written as one chunk frame in a tight loop (`LazyOps.payloads`)."""

    __slots__ = ("payloads",)

    def __init__(self, payloads: Callable[[], Iterable[bytes]]) -> None:
        self.payloads = payloads


async def _pour(transport: asyncio.Transport, payloads: Iterable[bytes]) -> tuple[int, bool]:
    """Write each payload as one chunk frame, straight to the transport, waiting for the
    client to read when the buffer fills. (bytes sent, whether the client went away)."""
    write, closing = transport.write, transport.is_closing
    buffered = transport.get_write_buffer_size
    sent = 0
    for data in payloads:
        if closing():
            return sent, True
        write(b"%x\r\n%s\r\n" % (len(data), data))
        if buffered() > _HIGH_WATER:
            await drain(transport)
        sent += len(data)
    return sent, False


def _marked(
    ops: Iterable[Any], marks: list[tuple[float, int]], clock: Callable[[], float]
) -> Iterator[Any]:
    """`ops`, recording (seconds since the first op, index) as each is about to be played.
    `clock` is `time.perf_counter`: uvloop's `loop.time()` only moves in whole milliseconds."""
    start = clock()
    for i, op in enumerate(ops):
        if i <= MARKED_OPS:
            marks.append((clock() - start, i))
        else:
            marks[-1] = (clock() - start, i)
        yield op


def _needs_watch(plan: WirePlan) -> bool:
    return plan.has_sleeps or (
        plan.close.mode == "hold" and plan.close.seconds > 0
    )


def _head(start: Start) -> bytes:
    try:
        reason = HTTPStatus(start.status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {start.status} {reason}"]
    names = {k for k, _ in start.headers}
    lines += [f"{k}: {v}" for k, v in start.headers]
    if "content-length" not in names:
        lines.append("transfer-encoding: chunked")
    lines.append("connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def play(
    plan: WirePlan,
    scope: dict[str, Any],
    receive: Any,
    send: Any,
    on_outcome: Callable[[str, int], None] | None = None,
    marks: list[tuple[float, int]] | None = None,
) -> Played:
    """Play `plan`. `on_outcome(outcome, bytes_sent)` is called just before the final action,
    so a journal is up to date by the time the client sees the end of the response. `marks`,
    when given, receives (seconds since the first op, op index) as each op begins."""
    transport = transport_of(scope)
    note = on_outcome or (lambda outcome, sent: None)
    raw = plan.requires_raw_socket
    chunked = plan.start is not None and plan.start.header("content-length") is None
    # Chunked body writes go straight to the transport, framed here: byte for byte what h11
    # would write, without its per-chunk bookkeeping; the head and the terminator still go
    # through uvicorn, so its state (and keep-alive) stays right.
    direct = chunked and not raw and transport is not None
    watcher = _Disconnect(receive) if _needs_watch(plan) else None
    deadline: float | None = None  # the schedule starts where the first pause begins
    last_write = _clock()
    timed = plan.has_sleeps  # only a paced plan needs the time of each write
    sent = 0
    ops: Iterable[Any] = plan.ops
    if marks is not None:  # the inspector watches: every op is counted, so no pour
        ops = _marked(ops, marks, time.perf_counter)
    elif direct and isinstance(ops, LazyOps) and ops.payloads is not None:
        ops = (*ops.head, _Pour(ops.payloads), *ops.tail)
    try:
        for op in ops:
            if type(op) is Write:  # the hot path first: most ops of a stream are writes
                if transport is not None and transport.is_closing():
                    note("client_disconnected", sent)
                    await _await_disconnect(receive, watcher)  # so uvicorn logs no error
                    return Played("client_disconnected", sent)
                if raw:
                    assert transport is not None
                    framed = op.data if (op.raw or not chunked) else (
                        b"%x\r\n%s\r\n" % (len(op.data), op.data) if op.data else b""
                    )
                    transport.write(framed)
                elif direct:
                    assert transport is not None
                    if op.data:
                        transport.write(b"%x\r\n%s\r\n" % (len(op.data), op.data))
                        if transport.get_write_buffer_size() > _HIGH_WATER:
                            await drain(transport)
                else:
                    await send({"type": "http.response.body", "body": op.data, "more_body": True})
                sent += len(op.data)
                if timed:
                    last_write = _clock()
            elif type(op) is _Pour:
                assert transport is not None
                poured, gone = await _pour(transport, op.payloads())
                sent += poured
                if gone:
                    note("client_disconnected", sent)
                    await _await_disconnect(receive, watcher)  # so uvicorn logs no error
                    return Played("client_disconnected", sent)
            elif isinstance(op, Start):
                if raw:
                    assert transport is not None
                    transport.write(_head(op))
                else:
                    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in op.headers]
                    start = {"type": "http.response.start", "status": op.status, "headers": headers}
                    await send(start)
            elif isinstance(op, Sleep):
                deadline = (_clock() if deadline is None else deadline) + op.seconds
                if op.since == "write":
                    gone = await _wait(watcher, max(deadline, last_write + op.seconds), False)
                else:
                    gone = await _wait(watcher, deadline, True)
                if gone:
                    note("client_disconnected", sent)
                    return Played("client_disconnected", sent)
            elif isinstance(op, Close):
                return await _close(op, raw, chunked, transport, receive, send, watcher, sent, note)
        note("completed", sent)
        return Played("completed", sent)
    finally:
        if watcher is not None:
            watcher.stop()


async def _close(
    op: Close, raw: bool, chunked: bool, transport: asyncio.Transport | None,
    receive: Any, send: Any, watcher: _Disconnect | None, sent: int,
    note: Callable[[str, int], None],
) -> Played:
    if op.mode == "hold" and op.seconds > 0:
        if watcher is not None and await watcher.sleep(op.seconds):
            note("client_disconnected", sent)
            return Played("client_disconnected", sent)
    outcome = {"clean": "completed", "hold": "completed", "reset": "reset"}.get(op.mode, "closed")
    note(outcome, sent)
    if op.mode in ("clean", "hold"):
        if raw:
            assert transport is not None
            if chunked:
                transport.write(b"0\r\n\r\n")
            transport.close()
            await _await_disconnect(receive, watcher)
        else:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        return Played("completed", sent)
    if op.mode == "reset":
        await reset_transport(transport)
        await _await_disconnect(receive, watcher)
        return Played("reset", sent)
    if transport is not None:
        transport.close()
    await _await_disconnect(receive, watcher)
    return Played("closed", sent)
