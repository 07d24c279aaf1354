"""first_token_delay: headers arrive at once, the first body byte only after a pause."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.plan import Close, Op, Sleep, Start, Write
from mockserver.faults.base import Fault, FaultContext

__all__ = ["FirstTokenDelay"]


@dataclass(frozen=True)
class FirstTokenDelay(Fault):
    """The status and headers arrive at once, then nothing for `ms` milliseconds before the first
    event: time-to-first-token is long; a client whose read timeout covers the body and is shorter
    than `ms` raises mid-request, one whose timeout stops at the headers (or that has none) waits.
    """

    name = "first_token_delay"
    layer = "http"
    example = "first_token_delay(ms=1500)"

    ms: float = field(default=1000.0, metadata={"min": 0, "max": 3_600_000})

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        out: list[Op] = []
        started, inserted = ctx.state.get("started", False), ctx.state.get("inserted", False)
        for op in ops:
            if not inserted and started and isinstance(op, (Write, Close)):
                out.append(Sleep(self.ms / 1000.0))
                inserted = True
            started = started or isinstance(op, Start)
            out.append(op)
        ctx.state.update(started=started, inserted=inserted)
        return out
