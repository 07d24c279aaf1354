"""slow_headers: the response head arrives only after a pause."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.plan import Op, Sleep, Start
from mockserver.faults.base import Fault, FaultContext

__all__ = ["SlowHeaders"]


@dataclass(frozen=True)
class SlowHeaders(Fault):
    """The connection is accepted and the request read, but no status line arrives for `ms`
    milliseconds: a client whose connect-or-read timeout is shorter sees a timeout before any
    response; a patient one (or one without a timeout) gets the normal answer late.
    """

    name = "slow_headers"
    layer = "http"
    example = "slow_headers(ms=1500)"

    ms: float = field(default=1000.0, metadata={"min": 0, "max": 3_600_000})

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        if ctx.state.get("inserted"):
            return ops  # a live stream after its head
        out: list[Op] = []
        inserted = False
        for op in ops:
            if isinstance(op, Start) and not inserted:
                out.append(Sleep(self.ms / 1000.0))
                inserted = True
            out.append(op)
        if not inserted:  # no head at all (raw plans): delay whatever comes first
            out.insert(0, Sleep(self.ms / 1000.0))
        ctx.state["inserted"] = True
        return out
