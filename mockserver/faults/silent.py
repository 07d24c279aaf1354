"""silent: the server reads the request and never answers, then hangs up."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.plan import Close, Op, Sleep
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Silent"]


@dataclass(frozen=True)
class Silent(Fault):
    """The connection is accepted and the request read, then nothing at all comes back for
    `seconds`, after which the server closes the connection without a response: a client's read
    timeout fires first when it is shorter; a client without one waits, then sees the connection
    close.

    On loopback this stands in for a connect timeout, which cannot be produced locally.
    """

    name = "silent"
    layer = "tcp"
    wire_order = 30
    example = "silent(seconds=30)"

    seconds: float = field(default=30.0, metadata={"min": 0, "max": 86_400})

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        if ctx.state.get("closed"):
            return []  # a live stream: its answer was already dropped
        ctx.state["closed"] = True
        return [Sleep(self.seconds), Close("abrupt")]
