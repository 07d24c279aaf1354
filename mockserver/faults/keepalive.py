"""keepalive: filler writes between events, paced every `every_ms`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from mockserver.core.plan import Op, Sleep, Write
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Keepalive", "FILLERS", "at_event_boundary"]

FILLERS = {
    "comment": b": keep-alive\n\n",
    "empty_data": b"data: \n\n",
    "event_only": b"event: ping\n\n",
}
_MAX_FILLERS = 100_000


@dataclass(frozen=True)
class Keepalive(Fault):
    """Keep-alive filler arrives between events every `every_ms`: `comment` (`: keep-alive`) is
    ignored by every SSE parser; `empty_data` (`data: ` + blank line) and `event_only` (`event:
    ping` + blank line) are dispatched as events with empty data (SSE-15, SSE-16), which a client
    that JSON-decodes every event's data cannot parse.

    Every pause of the plan between two events (timing, `gap_ms` of split) is cut into
    `every_ms` slices with one filler after each full slice. A plan without pauses gets one
    `every_ms` pause plus one filler between each pair of events. Fillers never go inside an
    event (a pause between two pieces of a split event stays whole) and are not counted.
    """

    name = "keepalive"
    layer = "sse"
    wire_order = 20
    example = "keepalive(every_ms=5)"

    every_ms: float = field(metadata={"min": 0.1, "max": 3_600_000})
    form: Literal["comment", "empty_data", "event_only"] = "comment"

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        if not ctx.streaming:
            return ops
        if any(isinstance(op, Sleep) for op in ops):
            return self._slice_pauses(ops)
        return self._between_events(ops)

    def _filler(self, events: int, pause: Sleep | None = None) -> list[Op]:
        """One `every_ms` slice, then a filler; a slice of `pause` keeps its meaning."""
        step = self.every_ms / 1000.0
        sleep = Sleep(step) if pause is None else replace(pause, seconds=step)
        return [sleep, Write(FILLERS[self.form], events=events)]

    def _slice_pauses(self, ops: list[Op]) -> list[Op]:
        out: list[Op] = []
        events, added, step, tail = 0, 0, self.every_ms / 1000.0, b""
        for op in ops:
            if isinstance(op, Sleep) and at_event_boundary(tail):
                count = min(int(op.seconds / step + 1e-9), _MAX_FILLERS - added)
                for _ in range(count):
                    out += self._filler(events, op)
                added += count
                left = op.seconds - count * step
                if left > 1e-9:
                    out.append(replace(op, seconds=left))
                continue
            if isinstance(op, Write):
                events, tail = op.events, (tail + op.data)[-4:]
            out.append(op)
        return out

    def _between_events(self, ops: list[Op]) -> list[Op]:
        out: list[Op] = []
        events, pending, tail = 0, False, b""
        for op in ops:
            if isinstance(op, Write) and op.data:
                if pending and at_event_boundary(tail):
                    out += self._filler(events)
                    pending = False
                if op.events > events:
                    events, pending = op.events, True
                tail = (tail + op.data)[-4:]
            out.append(op)
        return out


def at_event_boundary(tail: bytes) -> bool:
    """True when the bytes written so far end with a blank line (or nothing was written), so a
    filler sent next cannot land inside an event. A CR after a line is not trusted as the end:
    its LF may come in the next write."""
    return not tail or tail.endswith((b"\n\n", b"\r\r", b"\r\n\r\n", b"\n\r\n", b"\r\r\n"))
