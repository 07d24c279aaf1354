"""ws_no_pong: the server never answers the client's pings."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mockserver.core.ws.ops import Accept, WsContext, WsOp
from mockserver.faults.base import Fault

__all__ = ["WsNoPong"]


@dataclass(frozen=True)
class WsNoPong(Fault):
    """Pings from the client get no pong, while messages keep flowing: a client with keep-alive
    pings closes the connection (1011 "keepalive ping timeout" in websockets) once its ping timeout
    passes; one without notices nothing.
    """

    name = "ws_no_pong"
    layer = "ws"
    example = "ws_no_pong"

    def on_ws(self, ops: list[WsOp], ctx: WsContext) -> list[WsOp]:
        return [replace(op, pong=False) if isinstance(op, Accept) else op for op in ops]
