"""What every WebSocket protocol shares: the connection's setup, its pacing and error shapes.

    WsSetup     everything a protocol needs to answer one connection (chosen at the handshake)
    delays      the pause before each streamed message, from the same `schedule` as SSE frames
    error_message   the error message of each protocol (SPEC 2.1; openai-wire.md 3.7, 4.4)
    json_text   compact JSON, non-ASCII as raw UTF-8 (the encoding of the SSE bodies)

The protocols (chat.py, realtime.py, responses.py, script.py) build on these; session.py
drives them. Pure: no asyncio, no sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.events import Frame, dumps
from mockserver.core.ids import Ids
from mockserver.core.plan import Sleep, Timing, schedule
from mockserver.core.response import Response

__all__ = ["WsSetup", "delays", "error_message", "json_text", "PROTOCOLS"]

PROTOCOLS = ("chat", "realtime", "responses", "script")


@dataclass(frozen=True)
class WsSetup:
    """Everything a protocol needs to answer one connection (chosen at the handshake).

    `responses` are the scenario's answers, one per client request in order (the last one
    repeats); request k of the connection uses seed `seed + k`, as a scenario's k-th use does
    over HTTP, so text, chunking and pacing equal the SSE stream of the same scenario.
    """

    protocol: str
    responses: tuple[Response, ...] = (Response(),)
    seed: int = 0
    timing: Timing | None = None
    model: str | None = None
    models: Any = None
    api_key: str | None = None
    given_key: str | None = None
    subprotocols: tuple[str, ...] = ()
    beta: bool = False

    def response_for(self, k: int) -> Response:
        return self.responses[min(k, len(self.responses) - 1)]

    def resolve_model(self, model: str) -> str | None:
        """The served model id, or None when the model is unknown."""
        if self.models is None:
            return model
        info = self.models.get(model)
        return None if info is None else str(info.resolved)


def delays(count: int, timing: Timing | None, seed: int) -> list[float]:
    """Pause (seconds) before each of `count` streamed messages, exactly as SSE frames get them.

    Reuses `plan.schedule` so WebSocket pacing and SSE pacing come from one definition.
    """
    out: list[float] = []
    pending = 0.0
    for op in schedule([Frame(b"")] * count, timing, seed):
        if isinstance(op, Sleep):
            pending += op.seconds
        else:
            out.append(pending)
            pending = 0.0
    return out


def error_message(
    protocol: str, *, message: str, status: int = 400, type: str = "invalid_request_error",
    code: str | None = None, param: str | None = None, ids: Ids | None = None,
    client_event_id: str | None = None,
) -> dict[str, Any]:
    """The error message of each WS protocol (SPEC 2.1; openai-wire.md 3.7 and 4.4)."""
    if protocol == "realtime":
        event_id = (ids or Ids(0)).base62("event_", 21)
        return {
            "type": "error", "event_id": event_id,
            "error": {"type": type, "code": code, "message": message, "param": param,
                      "event_id": client_event_id},
        }
    if protocol == "responses":
        return {"type": "error", "status": status,
                "error": {"type": type, "code": code, "message": message, "param": param}}
    return {"type": "error", "message": message}


def json_text(obj: Any) -> str:
    """Compact JSON, non-ASCII as raw UTF-8 (the same encoding as the SSE bodies)."""
    return dumps(obj)
