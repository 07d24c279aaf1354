"""Play a live answer's ops as they are produced (the upstream proxy), piece after piece.

    LivePlayer(scope, send).play(ops)   one piece of ops from core/live.py: Start, Write,
                                        Sleep, Close; `.outcome` is set once the answer ended
    until_disconnect(work, receive)     runs the exchange, cancelled if the client goes away
                                        (as Starlette's StreamingResponse does)

The plan player (http_player) knows a plan's ops in advance; here they arrive between waits on
the upstream, so a piece's pauses are paced from when the piece arrived: a Sleep never makes
up for time spent waiting on the upstream. Body writes go to the transport directly, framed
as chunks here, as http_player does; the head and the clean end go through uvicorn so its
state (and keep-alive) stays right. `Close("abrupt")` drops the socket without the chunked
terminator, `reset` sends a TCP RST, `hold` waits before the clean end. While the inspector
watches, `marks` receives (seconds since the first op, op index) as each op begins, counted
over the whole answer, as http_player records a plan's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from mockserver.core.plan import Close, Op, Sleep, Start, Write
from mockserver.transport._internals import drain, transport_of
from mockserver.transport.http_player import MARKED_OPS, reset_transport

__all__ = ["LivePlayer", "ClientGone", "until_disconnect"]

T = TypeVar("T")
_HIGH_WATER = 64 * 1024  # bytes buffered in the transport above which a write waits


class ClientGone(Exception):
    """The client closed the connection while the answer was being written."""


async def _disconnected(receive: Any) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def until_disconnect(
    work: Awaitable[T], receive: Any, *, ended: Callable[[], bool] = lambda: False,
    dropped: Callable[[], bool] = lambda: False,
) -> tuple[T | None, bool]:
    """Await `work` in this task until it ends, or until the client disconnects before the
    response ended (`ended()`): then this task is cancelled (which closes the upstream
    response) and the cancellation is absorbed here. Returns (result, client gone). When
    `work` ended by dropping the socket itself (`dropped()`), waits (2 s at most) until
    uvicorn has noticed, so it writes nothing more on that connection. One watcher task per
    request, no task for the work itself: the first byte waits for nothing but the upstream."""
    task = asyncio.current_task()
    assert task is not None
    state = {"gone": False, "done": False}

    async def watch() -> None:
        await _disconnected(receive)
        if not state["done"] and not ended():  # a client leaving after the end changes nothing
            state["gone"] = True
            task.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        result = await work
    except asyncio.CancelledError:
        if not state["gone"]:
            raise  # cancelled from outside (the server is stopping)
        if hasattr(task, "uncancel"):  # Python >= 3.11: this cancellation is handled
            task.uncancel()
        return None, True
    finally:
        state["done"] = True
    if dropped():
        await asyncio.wait({watcher}, timeout=2.0)
    if not watcher.done():
        watcher.cancel()
    return result, False


class LivePlayer:
    """Writes one response from pieces of ops. `sent` counts body bytes; `outcome` is None
    until the response ended (`completed`, `closed`, `reset`)."""

    def __init__(self, scope: dict[str, Any], send: Any,
                 marks: list[tuple[float, int]] | None = None) -> None:
        self.transport = transport_of(scope)
        self.marks = marks
        self._played = 0  # ops played so far: the index of the next one
        self._t0: float | None = None
        self.send = send
        self.sent = 0
        self.started = False
        self.chunked = True
        self.outcome: str | None = None
        self.dropped = False  # the socket was closed by the answer itself (abrupt, reset)
        self._last_write = 0.0

    async def play(self, ops: Sequence[Op]) -> None:
        loop = asyncio.get_running_loop()
        deadline: float | None = None  # a piece is paced from when it arrived
        for op in ops:
            if self.marks is not None:
                self._mark()
            if type(op) is Write:
                await self._write(op)
            elif isinstance(op, Start):
                await self._start(op)
            elif isinstance(op, Sleep):
                now = loop.time()
                deadline = (now if deadline is None else deadline) + op.seconds
                until = max(deadline, self._last_write + op.seconds) if op.since == "write" \
                    else deadline
                if until > now:
                    await asyncio.sleep(until - now)
            elif isinstance(op, Close):
                await self._close(op)
                return

    def _mark(self) -> None:
        """(seconds since the first op, index) of the op about to be played; past
        MARKED_OPS only the latest is kept (http_player's `_marked`)."""
        assert self.marks is not None
        now = time.perf_counter()  # uvloop's loop.time() moves in whole milliseconds
        if self._t0 is None:
            self._t0 = now
        mark = (now - self._t0, self._played)
        if self._played <= MARKED_OPS:
            self.marks.append(mark)
        else:
            self.marks[-1] = mark
        self._played += 1

    async def _start(self, op: Start) -> None:
        self.chunked = op.header("content-length") is None
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in op.headers]
        await self.send({"type": "http.response.start", "status": op.status, "headers": headers})
        self.started = True

    async def _write(self, op: Write) -> None:
        transport = self.transport
        if transport is not None and transport.is_closing():
            raise ClientGone
        if op.raw or (self.chunked and transport is not None):
            assert transport is not None
            if op.raw:
                transport.write(op.data)
            elif op.data:
                transport.write(b"%x\r\n%s\r\n" % (len(op.data), op.data))
            if transport.get_write_buffer_size() > _HIGH_WATER:
                await drain(transport)
        else:
            await self.send({"type": "http.response.body", "body": op.data, "more_body": True})
        self.sent += len(op.data)
        self._last_write = asyncio.get_running_loop().time()

    async def _close(self, op: Close) -> None:
        if op.mode == "hold" and op.seconds > 0:
            await asyncio.sleep(op.seconds)
        if op.mode in ("clean", "hold") and self.started:
            self.outcome = "completed"
            await self.send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        self.dropped = True
        if op.mode == "reset":
            self.outcome = "reset"
            await reset_transport(self.transport)
        else:
            self.outcome = "closed"
            if self.transport is not None:
                self.transport.close()
