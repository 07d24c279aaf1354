"""coalesce: several events arrive in one write."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.plan import Op, Sleep, Write
from mockserver.faults.base import STREAM_FRAMINGS, Fault, FaultContext

__all__ = ["Coalesce"]


@dataclass(frozen=True)
class Coalesce(Fault):
    """`events` consecutive events arrive together in one write (one HTTP chunk, usually one read).
    A parser that buffers by line sees exactly the same events; a client that assumes one event per
    read drops or garbles all but the first (SSE-27).

    The pauses inside a group are added up and waited before the group's write, so each group
    leaves when its last event would have; the last group may hold fewer events.
    """

    name = "coalesce"
    layer = "sse"
    framings = STREAM_FRAMINGS  # cuts or joins any framing's bytes
    wire_order = 10

    events: int = field(default=2, metadata={"min": 2, "max": 1_000_000})

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        out: list[Op] = []
        # a group still filling when a live piece ends waits in ctx.state for the next piece
        data: list[bytes] = ctx.state.get("data", [])
        pause: float = ctx.state.get("pause", 0.0)
        start: int = ctx.state.get("start", 0)
        last: int = ctx.state.get("last", 0)

        def flush() -> None:
            nonlocal data, pause, start
            if pause:
                out.append(Sleep(pause))
            if data:
                out.append(Write(b"".join(data), events=last))
            data, pause, start = [], 0.0, last

        for op in ops:
            if isinstance(op, Write) and not op.raw:
                data.append(op.data)
                last = op.events
                if last - start >= self.events:
                    flush()
            elif isinstance(op, Sleep) and (data or pause):
                pause += op.seconds
            elif isinstance(op, Sleep):
                out.append(op)
            else:
                flush()
                if isinstance(op, Write):
                    start = last = op.events
                out.append(op)
        if ctx.final:
            flush()
        ctx.state.update(data=data, pause=pause, start=start, last=last)
        return out
