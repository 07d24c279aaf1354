"""keepalive: filler writes between events, paced every `every_ms`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from mockserver.core.plan import Op, Sleep, Start, Write
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
    `every_ms` slices with one filler after each full slice; two events with no pause between
    them get one `every_ms` pause plus one filler. Fillers never go inside an
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
        st = ctx.state
        started, pending, paused = st.get("started", 0), st.get("pending", 0), st.get("paused", 0)
        events, added, tail = st.get("events", 0), st.get("added", 0), st.get("tail", b"")
        step = self.every_ms / 1000.0
        out: list[Op] = []
        for op in ops:
            if isinstance(op, Sleep) and started and at_event_boundary(tail):
                count = min(int(op.seconds / step + 1e-9), _MAX_FILLERS - added)
                for _ in range(count):
                    out += self._filler(events, op)
                added += count
                left = op.seconds - count * step
                if left > 1e-9:
                    out.append(replace(op, seconds=left))
                paused = True
                continue
            if isinstance(op, Write) and op.data:
                if pending and not paused and at_event_boundary(tail):
                    out += self._filler(events)
                pending = op.events > events
                events, tail, paused = op.events, (tail + op.data)[-4:], False
            started = started or isinstance(op, Start)
            out.append(op)
        st.update(started=started, events=events, tail=tail, pending=pending, paused=paused,
                  added=added)
        return out

    def _filler(self, events: int, pause: Sleep | None = None) -> list[Op]:
        """One `every_ms` slice, then a filler; a slice of `pause` keeps its meaning."""
        step = self.every_ms / 1000.0
        sleep = Sleep(step) if pause is None else replace(pause, seconds=step)
        return [sleep, Write(FILLERS[self.form], events=events)]


def at_event_boundary(tail: bytes) -> bool:
    """True when the bytes written so far end with a blank line (or nothing was written), so a
    filler sent next cannot land inside an event. A CR after a line is not trusted as the end:
    its LF may come in the next write."""
    return not tail or tail.endswith((b"\n\n", b"\r\r", b"\r\n\r\n", b"\n\r\n", b"\r\r\n"))
