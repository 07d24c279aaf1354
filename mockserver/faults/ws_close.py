"""ws_close: the server ends the connection after N messages with a close code of choice."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.ws.ops import Close, Deny, Send, WsContext, WsOp
from mockserver.errors import FaultSpecError
from mockserver.faults.base import Fault

__all__ = ["WsClose"]

_CODES = (1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014)


@dataclass(frozen=True)
class WsClose(Fault):
    """After `after` server messages the connection ends with close `code` and `reason` (1000/1001
    are normal closures even mid-answer, others errors). `code=1006` drops the TCP connection
    without a close frame; `code=1005` sends a close frame without a status code.
    """

    name = "ws_close"
    layer = "ws"
    example = "ws_close(after=2, code=1006)"
    wire_order = 30

    after: int = field(default=1, metadata={"min": 0})
    code: int = 1000
    reason: str = ""

    def validate(self) -> None:
        if self.code not in _CODES and not 3000 <= self.code <= 4999:
            raise FaultSpecError(f"ws_close: parameter 'code' must be 1000-1014 or 3000-4999; "
                                 f"got {self.code}")
        if len(self.reason.encode()) > 123:
            raise FaultSpecError("ws_close: parameter 'reason' must be at most 123 UTF-8 bytes")
        if self.code in (1005, 1006) and self.reason:
            raise FaultSpecError(f"ws_close: code {self.code} carries no reason")

    def on_ws(self, ops: list[WsOp], ctx: WsContext) -> list[WsOp]:
        if any(isinstance(op, Deny) for op in ops):
            return ops
        out: list[WsOp] = []
        for op in ops:
            if isinstance(op, Send) and op.index > self.after:
                return out + [Close(self.code, self.reason)]
            out.append(op)
            if isinstance(op, Close):
                return out
        reached = ctx.sent + sum(1 for op in out if isinstance(op, Send)) >= self.after
        crossed_now = self.after > ctx.sent or (self.after == 0 and ctx.turn == 0)
        if reached and crossed_now:
            out.append(Close(self.code, self.reason))
        return out
