"""WebSocket plan ops: what the server does on one connection, as explicit data (the twin of
core/plan.py; a leaf: it imports nothing of the project).

    WsSession (core/ws/session.py) ─► batches of ops, one batch per turn
      turn 0   the handshake:  Accept(subprotocol, pong) | Deny(status, headers, body)
               then what the server says first (Realtime's session.created)
      turn k   the answer to the client's k-th message
    ops:  Send(data, index, fragments, ping)  one message; `index` is its 1-based number
                                              over the whole connection (what at=/after= count)
          Pause(seconds)                      silence before the next op
          Close(code, reason)                 close frame; 1005 = close frame without a code,
                                              1006 = drop the TCP connection, no close frame

Faults see each batch through `Fault.on_ws(ops, ctx)` with a `WsContext`. The transport
(transport/ws_player.py) only plays the ops.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Accept", "Deny", "Send", "Pause", "Close", "WsOp", "WsContext", "describe_ops", "sends",
    "text_of",
]


@dataclass(frozen=True)
class Accept:
    """Complete the handshake (101), answering `subprotocol`; `pong=False` ignores pings."""

    subprotocol: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    pong: bool = True


@dataclass(frozen=True)
class Deny:
    """Refuse the handshake with a plain HTTP response."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class Send:
    """One message: `str` goes as a text frame, `bytes` as a binary frame.

    `fragments > 1` cuts it into that many frames (FIN=0 ... continuation FIN=1), with a ping
    between the first two when `ping` is set (RFC 6455 5.4: control frames may interleave).
    """

    data: str | bytes
    index: int = 0
    fragments: int = 1
    ping: bool = False

    @property
    def size(self) -> int:
        return len(self.data.encode() if isinstance(self.data, str) else self.data)


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Close:
    code: int = 1000
    reason: str = ""

    @property
    def drop(self) -> bool:
        return self.code == 1006


WsOp = Accept | Deny | Send | Pause | Close


@dataclass
class WsContext:
    """What a fault sees of a WebSocket connection when it transforms one batch of ops.

    `turn` is 0 for the handshake batch, k for the answer to the client's k-th message;
    `first_turn` is the first turn with server messages of the protocol (0 when the server
    speaks first, as Realtime does; 1 when it waits for the client); `sent` counts the
    messages of earlier batches.
    """

    protocol: str
    turn: int
    seed: int
    rng: random.Random  # the fault's own stream, derived from the seed (`rng_for`)
    first_turn: int = 1
    sent: int = 0


def sends(ops: Sequence[WsOp]) -> list[Send]:
    return [op for op in ops if isinstance(op, Send)]


def text_of(data: str | bytes) -> str:
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def describe_ops(ops: Sequence[WsOp], *, limit: int = 80) -> list[str]:
    """One readable line per op (journal, failure reports)."""
    lines = []
    for op in ops:
        if isinstance(op, Send):
            text = json.dumps(text_of(op.data), ensure_ascii=False)
            text = text if len(text) <= limit else text[: limit - 3] + "..."
            kind = "BINARY" if isinstance(op.data, bytes) else "TEXT"
            extra = f" in {op.fragments} frames" if op.fragments > 1 else ""
            lines.append(f"#{op.index} {kind}{extra} {text}")
        elif isinstance(op, Pause):
            lines.append(f"PAUSE {op.seconds * 1000:.1f}ms")
        elif isinstance(op, Close):
            lines.append("DROP (no close frame)" if op.drop else f"CLOSE {op.code} {op.reason!r}")
        elif isinstance(op, Accept):
            lines.append(f"ACCEPT subprotocol={op.subprotocol}" + ("" if op.pong else " no-pong"))
        else:
            lines.append(f"DENY {op.status} {op.body[:limit]!r}")
    return lines
