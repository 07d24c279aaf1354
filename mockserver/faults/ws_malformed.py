"""ws_malformed: one server message is not the JSON text message the client expects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from mockserver.core.ws.ops import Send, WsContext, WsOp, text_of
from mockserver.core.ws.protocol import json_text
from mockserver.faults.base import Fault

__all__ = ["WsMalformed"]


@dataclass(frozen=True)
class WsMalformed(Fault):
    """Server message `at` is broken: `not_json` replaces it with plain text, `truncated_json` with
    its first half (both fail a JSON decoder), `binary` sends the same JSON in a binary frame (a
    client expecting text gets bytes), and `unknown_type` inserts an extra message of an unknown
    `type` before it (clients must ignore unknown events; nothing is lost).
    """

    name = "ws_malformed"
    layer = "ws"
    example = "ws_malformed(at=2, kind=truncated_json)"
    wire_order = 10

    at: int = field(default=1, metadata={"min": 1})
    kind: Literal["not_json", "binary", "truncated_json", "unknown_type"] = "not_json"

    def _unknown(self, op: Send) -> Send:
        try:
            original = json.loads(op.data)
        except ValueError:
            original = None
        extra = {"type": "mockserver.unknown_event"}
        if isinstance(original, dict) and "event_id" in original:
            extra["event_id"] = "event_mockserverUnknown0"
        return Send(json_text(extra), op.index)

    def on_ws(self, ops: list[WsOp], ctx: WsContext) -> list[WsOp]:
        out: list[WsOp] = []
        for op in ops:
            if not (isinstance(op, Send) and op.index == self.at):
                out.append(op)
                continue
            text = text_of(op.data)
            if self.kind == "not_json":
                out.append(Send("mockserver: this message is not JSON", op.index))
            elif self.kind == "truncated_json":
                out.append(Send(text[: max(1, len(text) // 2)], op.index))
            elif self.kind == "binary":
                out.append(Send(text.encode(), op.index))
            else:
                out += [self._unknown(op), op]
        return out
