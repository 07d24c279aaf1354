"""ws_reject: the WebSocket handshake is refused with an HTTP status and a JSON error body."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.formats import (
    default_error_code,
    default_error_message,
    default_error_type,
    openai_error_body,
)
from mockserver.core.ws.ops import Accept, Deny, WsContext, WsOp
from mockserver.core.ws.protocol import json_text
from mockserver.faults.base import Fault

__all__ = ["WsReject"]


@dataclass(frozen=True)
class WsReject(Fault):
    """The handshake gets an HTTP `status` instead of 101, with a readable body and `retry-after`
    when `retry_after` is set: the client's connect call fails with the status.
    """

    name = "ws_reject"
    layer = "ws"
    example = "ws_reject(status=401)"

    status: int = field(default=403, metadata={"min": 400, "max": 599})
    retry_after: float | None = None

    def on_ws(self, ops: list[WsOp], ctx: WsContext) -> list[WsOp]:
        if not ops or not isinstance(ops[0], Accept):
            return ops
        body = openai_error_body(
            self.status, default_error_message(self.status), default_error_type(self.status),
            default_error_code(self.status), None, "",
        )
        headers = [("content-type", "application/json")]
        if self.retry_after is not None:
            value = self.retry_after
            headers.append(("retry-after", str(int(value)) if value == int(value) else str(value)))
        return [Deny(self.status, tuple(headers), json_text(body).encode())]
