"""ws_stall: the server goes silent in the middle of a WebSocket answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.ws.ops import Pause, Send, WsContext, WsOp
from mockserver.faults.base import Fault

__all__ = ["WsStall"]


@dataclass(frozen=True)
class WsStall(Fault):
    """After `after` server messages nothing arrives for `seconds` (the connection stays open and
    answers pings), then the answer continues: a client without a receive timeout waits; one with a
    timeout per receive raises it.
    """

    name = "ws_stall"
    layer = "ws"
    example = "ws_stall(after=2, seconds=5)"
    wire_order = 20

    after: int = field(default=1, metadata={"min": 0})
    seconds: float = field(default=30.0, metadata={"min": 0, "max": 3600})

    def on_ws(self, ops: list[WsOp], ctx: WsContext) -> list[WsOp]:
        out: list[WsOp] = []
        for op in ops:
            if isinstance(op, Send) and op.index == self.after + 1:
                out.append(Pause(self.seconds))
            out.append(op)
        return out
