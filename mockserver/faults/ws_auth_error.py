"""ws_auth_error: the connection opens, then the server reports a bad API key and closes 1008."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.core.ws.ops import Accept, Close, Send, WsContext, WsOp
from mockserver.core.ws.protocol import error_message, json_text
from mockserver.faults.base import Fault

__all__ = ["WsAuthError"]

_MESSAGE = ("Incorrect API key provided. You can find your API key at "
            "https://platform.openai.com/account/api-keys.")


@dataclass(frozen=True)
class WsAuthError(Fault):
    """The handshake succeeds, but the server's first answer is its protocol's auth error (chat:
    {"type":"error"}; Realtime: `error` invalid_api_key; Responses: error frame with status 401)
    followed by close 1008 "invalid api key"; a client should surface the error and not reconnect
    on 1008.
    """

    name = "ws_auth_error"
    layer = "ws"
    example = "ws_auth_error"

    def on_ws(self, ops: list[WsOp], ctx: WsContext) -> list[WsOp]:
        if ctx.turn != ctx.first_turn:
            return ops
        kept: list[WsOp] = [op for op in ops if isinstance(op, Accept)]
        error = error_message(ctx.protocol, message=_MESSAGE, status=401, code="invalid_api_key")
        return kept + [Send(json_text(error), ctx.sent + 1), Close(1008, "invalid api key")]
