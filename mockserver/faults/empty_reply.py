"""empty_reply: the server reads the request and closes the connection without a byte."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.core.plan import Close, Op, Sleep
from mockserver.faults.base import Fault, FaultContext

__all__ = ["EmptyReply"]


@dataclass(frozen=True)
class EmptyReply(Fault):
    """The connection closes without any response (WireMock EMPTY_RESPONSE): the client's HTTP
    stack reports that the server disconnected without sending a response; some (browsers) retry
    such a request once on a new connection.
    """

    name = "empty_reply"
    layer = "tcp"
    wire_order = 30

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        # keep pauses before the head (slow_headers), drop everything else: no Start => raw path
        if ctx.state.get("closed"):
            return []  # a live stream: its answer was already dropped
        ctx.state["closed"] = True
        out: list[Op] = []
        for op in ops:
            if not isinstance(op, Sleep):
                break
            out.append(op)
        return out + [Close("abrupt")]
