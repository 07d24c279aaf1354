"""ws_fragmented: one server message arrives split over several WebSocket frames."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.ws.ops import Send, WsContext, WsOp
from mockserver.faults.base import Fault

__all__ = ["WsFragmented"]


@dataclass(frozen=True)
class WsFragmented(Fault):
    """Server message `at` is sent as `pieces` frames (text FIN=0, continuations, last FIN=1), with
    a ping between the first two when `ping=true` (RFC 6455 5.4). A conforming client reassembles
    one message and answers the ping; one that treats each frame as a message sees partial JSON.
    """

    name = "ws_fragmented"
    layer = "ws"
    example = "ws_fragmented(at=2, pieces=3, ping=true)"
    wire_order = 10

    at: int = field(default=1, metadata={"min": 1})
    pieces: int = field(default=3, metadata={"min": 2, "max": 64})
    ping: bool = False

    def on_ws(self, ops: list[WsOp], ctx: WsContext) -> list[WsOp]:
        return [
            Send(op.data, op.index, self.pieces, self.ping)
            if isinstance(op, Send) and op.index == self.at else op
            for op in ops
        ]
