"""error_event: an in-band error event mid-stream after a 200, then the stream ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mockserver.core.events import Event, serialize
from mockserver.core.formats import FORMATS
from mockserver.faults._positions import event_index
from mockserver.faults.base import STREAM_FRAMINGS, Fault, FaultContext

__all__ = ["ErrorEvent", "error_event_for", "ERROR_MESSAGE"]

ERROR_MESSAGE = "The server had an error while processing your request. Sorry about that!"

Shape = Literal["openai", "event_error", "failed"]


def error_event_for(fmt: str, shape: Shape, at: int, before: list[Event] | None = None) -> Event:
    """The error event a stream of format `fmt` carries in place of event `at`.

    The one place where the in-band error shape is chosen; formats with their own error
    events give `Format.error_event` (Responses: `openai` nested, `event_error` flat,
    `failed` a terminal `response.failed`; Anthropic: `event: error` `overloaded_error`),
    which gets the events before it (`before`). chat / completions (HTTP-14, HTTP-15 of
    failure-modes.md; `failed` is the `openai` shape there):
      openai       `data: {"error":{"message","type","param","code"}}`
      event_error  `event: error` + flat `{"type":"error","code","message","param",
                   "sequence_number"}` (the Responses-API shape some gateways send on chat)
    """
    own = FORMATS[fmt].renderer.error_event if fmt in FORMATS else None
    if own is not None:
        return serialize(own(shape, at, list(before or [])))
    if shape == "event_error":
        payload = {
            "type": "error",
            "code": "server_error",
            "message": ERROR_MESSAGE,
            "param": None,
            "sequence_number": at - 1,
        }
        return serialize(Event(payload=payload, event="error", kind="error"))
    error = {"message": ERROR_MESSAGE, "type": "server_error", "param": None, "code": None}
    return serialize(Event(payload={"error": error}, kind="error"))


@dataclass(frozen=True)
class ErrorEvent(Fault):
    """After a 200 and `at - 1` good events, the server sends an in-band error event and ends the
    body without `[DONE]`: `shape=openai` is `data: {"error": {...}}` (the SDK convention: raise an
    API error without a status code), `shape=event_error` an `event: error` block with a flat JSON
    body (which chat clients that only look at `data` take for one more chunk, then see the stream
    end), `shape=failed` the format's own failure event where it has one.

    httpx-sse delivers the error as an ordinary event (`event` is `message` or `error`).
    Responses and Anthropic streams get their own shapes (docs/formats.md): Responses
    `openai` raises APIError, `event_error` is yielded as an `error` event, `failed` ends with
    `response.failed`; Anthropic raises APIStatusError (overloaded_error, status 200). Every
    shape is the provider's own on the others: Gemini a google.rpc error object in a `data:`
    line (google-genai raises ServerError), Ollama an `{"error": ...}` line (ollama-python
    raises ResponseError), Cohere a `message-end` with `finish_reason: ERROR` and `delta.error`
    (the SDK yields it as an ordinary event).
    """

    name = "error_event"
    layer = "sse"
    framings = STREAM_FRAMINGS  # any stream of JSON events: SSE, NDJSON lines, frames
    example = "error_event(at=3)"

    at: int = field(metadata={"min": 1})
    shape: Shape = "openai"

    def on_events(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        if ctx.ended:
            return []  # a live stream goes on upstream; its answer already ended here
        earlier: list[Event] = ctx.state.setdefault("before", [])
        i = event_index(events, self.at, ctx)
        if i is None:
            if ctx.offset < self.at:
                earlier.extend(events)  # at most `at - 1` events, for the error's snapshot
            return events
        before = list(events[:i])
        ctx.ended = True
        return before + [error_event_for(ctx.fmt, self.shape, self.at, earlier + before)]
