"""`/v1/responses` WebSocket mode (openai-wire.md 3.7), as a pure state machine.

    client {"type":"response.create", ...the POST /v1/responses body..., "stream_id"?: LANE}
        -> the Responses stream events, each one JSON text frame (the same objects the SSE
           format `FORMATS["responses"]` renders, `sequence_number` from 0 per response),
           each carrying `stream_id` when the request had one
    bad body, unknown model, not JSON, unknown event type
        -> {"type":"error","status":400,"error":{"type","code","message","param"}} and the
           socket stays open (the WebSocket error frame differs from the SSE `error` event)

`stream` and `background` are not part of the WebSocket request and are ignored. Request k
of the connection gets the scenario's k-th response and seed `seed + k`, and its events the
pauses the SSE stream of that response would get.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.content import resolve
from mockserver.core.formats import default_error_message, default_error_type, view_for
from mockserver.core.formats.responses import responses_event_payloads
from mockserver.core.strict_json import StrictJSONError, loads
from mockserver.core.ws.ops import Pause, Send, WsOp
from mockserver.core.ws.protocol import WsSetup, delays, error_message, json_text
from mockserver.errors import ApiError

__all__ = ["ResponsesProtocol"]

PATH = "/v1/responses"


def _error(
    message: str, *, status: int = 400, type: str = "invalid_request_error",
    code: str | None = None, param: str | None = None, stream_id: Any = None,
) -> Send:
    frame = error_message("responses", message=message, status=status, type=type, code=code,
                          param=param)
    if stream_id is not None:
        frame = {"type": "error", "status": status, "stream_id": stream_id, "error": frame["error"]}
    return Send(json_text(frame))


class ResponsesProtocol:
    """One connection in Responses WebSocket mode."""

    name = "responses"
    first_turn = 1

    def __init__(self, setup: WsSetup) -> None:
        self.setup = setup
        self.requests = 0

    def opening(self) -> list[WsOp]:
        return []

    def receive(self, data: str | bytes) -> list[WsOp]:
        try:
            event: Any = loads(data)
        except StrictJSONError as exc:
            return [_error(f"Invalid JSON in WebSocket message ({exc.reason}).",
                           code="invalid_json")]
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return [_error("The 'type' field is missing or not a string.", code="invalid_event",
                           param="type")]
        if event["type"] != "response.create":
            return [_error(f"Unsupported event type '{event['type']}': this server accepts "
                           "'response.create'.", code="invalid_event", param="type")]
        return self._create(event)

    def _create(self, event: dict[str, Any]) -> list[WsOp]:
        body = {k: v for k, v in event.items() if k not in ("type", "stream", "background")}
        stream_id = body.pop("stream_id", None)
        try:
            view = view_for("responses", PATH, {**body, "stream": True})
        except ApiError as exc:
            return [_error(exc.message, status=exc.status, type=exc.type, code=exc.code,
                           param=exc.param, stream_id=stream_id)]
        served = self.setup.resolve_model(view.model or "")
        if served is None:
            return [_error(f"The requested model '{view.model}' does not exist.",
                           code="model_not_found", param="model", stream_id=stream_id)]
        k = self.requests
        self.requests += 1
        response = self.setup.response_for(k)
        seed = self.setup.seed + k
        if response.error is not None:
            err = response.error
            return [_error(err.message or default_error_message(err.status), status=err.status,
                           type=err.type or default_error_type(err.status), code=err.code,
                           param=err.param, stream_id=stream_id)]
        content = resolve(response, view, seed)
        payloads = responses_event_payloads(content, view, seed, served)
        ops: list[WsOp] = []
        pauses = delays(len(payloads), self.setup.timing, seed)
        for pause, payload in zip(pauses, payloads, strict=True):
            if stream_id is not None:
                payload = {**payload, "stream_id": stream_id}
            if pause:
                ops.append(Pause(pause))
            ops.append(Send(json_text(payload)))
        return ops
