"""close: the connection ends early, cleanly, abruptly or with a TCP reset."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mockserver.core.plan import Close as CloseOp
from mockserver.core.plan import Op, Write
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Close"]


@dataclass(frozen=True)
class Close(Fault):
    """The stream stops after `after` events: `clean` ends the body properly without `[DONE]` (a
    client that stops at the end of the body cannot tell it from a whole, short answer), `abrupt`
    drops the socket without the chunked terminator (an incomplete-body protocol error), `reset`
    sends a TCP RST (a connection-reset error on the next read).

    `inside_event=true` cuts in the middle of the next event instead, so a partial line is the
    last thing the client receives.
    """

    name = "close"
    layer = "tcp"
    wire_order = 30
    example = "close(after=2, mode=abrupt)"

    after: int = field(default=1, metadata={"min": 0})
    mode: Literal["clean", "abrupt", "reset"] = "abrupt"
    inside_event: bool = False

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        if ctx.state.get("closed"):
            return []  # a live stream after the cut
        out: list[Op] = []
        count = ctx.state.get("count", 0)
        end = ctx.final
        for op in ops:
            if isinstance(op, CloseOp):
                end = True
                break
            # cut at the first write once `after` events are complete (pieces of a split or
            # dripped event carry the previous count until their last piece)
            if isinstance(op, Write) and op.data and count >= self.after:
                if self.inside_event:
                    cut = max(1, len(op.data) // 2)
                    out.append(Write(op.data[:cut], events=count, raw=op.raw))
                end = True
                break
            out.append(op)
            if isinstance(op, Write):
                count = op.events
        ctx.state["count"] = count
        if end:
            ctx.state["closed"] = True
            out.append(CloseOp(self.mode))
        return out
