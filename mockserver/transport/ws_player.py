"""Play WebSocket ops (core/ws/ops.py) for one connection: the twin of http_player.py.

    WsPlayer.play(ops)
      str | Send (one text frame)  ─► one frame written straight to the transport
                                      (`_internals.text_writer`), or ASGI `websocket.send`
                                      while writing is paused
      Send (binary | fragments)    ─► ASGI send | `_internals.send_fragments`
      Accept | Deny                ─► websocket.accept | the denial response
      Pause                        ─► asyncio.sleep
      Close                        ─► websocket.close | close frame without code (1005) |
                                      drop without close frame (1006)

It counts the payload bytes sent and keeps the connection's status and outcome for the journal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from mockserver.core.ws.ops import Accept, Close, Deny, Pause, Send, WsOp
from mockserver.transport._internals import (
    close_without_code,
    drop,
    ignore_pings,
    send_fragments,
    text_writer,
)

__all__ = ["WsPlayer"]


class WsPlayer:
    """Plays one connection's ops into ASGI `send` and the frame powers of `_internals`."""

    def __init__(self, scope: dict[str, Any], send: Any) -> None:
        self.scope, self.send = scope, send
        self.sent = 0
        self.outcome = "completed"
        self.status = 101
        self.faults = ""
        self._write_text: Any = None  # text_writer once accepted; False: none available

    async def play(self, ops: Iterable[WsOp | str]) -> None:
        send = self.send
        write = self._write_text
        for op in ops:
            if isinstance(op, str):  # a plain text message (WsSession.stream), the hot path
                text = op
            elif isinstance(op, Send) and op.fragments == 1 and isinstance(op.data, str):
                text = op.data
            elif isinstance(op, Send):
                if op.fragments > 1:
                    await send_fragments(self.scope, op.data, op.fragments, op.ping)
                else:
                    await send({"type": "websocket.send", "bytes": op.data})
                self.sent += op.size
                continue
            else:
                await self._play_control(op)
                continue
            if write is None:
                write = self._write_text = text_writer(self.scope) or False
            size = write(text) if write else -1
            if size < 0:  # uvicorn's path: it waits while writing is paused, or raises
                await send({"type": "websocket.send", "text": text})
                size = len(text) if text.isascii() else len(text.encode())
            self.sent += size

    async def _play_control(self, op: WsOp) -> None:
        if isinstance(op, Accept):
            headers = [(b"x-mock-fault", self.faults.encode())] if self.faults else []
            await self.send({"type": "websocket.accept", "subprotocol": op.subprotocol,
                             "headers": headers})
            if not op.pong:
                ignore_pings(self.scope)
        elif isinstance(op, Deny):
            self.status, self.outcome = op.status, "closed"
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in op.headers]
            await self.send({"type": "websocket.http.response.start", "status": op.status,
                             "headers": headers})
            await self.send({"type": "websocket.http.response.body", "body": op.body})
        elif isinstance(op, Pause):
            await asyncio.sleep(op.seconds)
        elif isinstance(op, Close):
            self.outcome = "completed" if op.code in (1000, 1001) else "closed"
            if op.drop:
                await drop(self.scope)
            elif op.code == 1005:
                close_without_code(self.scope)
            else:
                await self.send({"type": "websocket.close", "code": op.code,
                                 "reason": op.reason})
