"""`/v1/realtime`: a text-only subset of the Realtime API (GA names, openai-wire.md 4), pure.

    on connect                     session.created (no client action needed)
    session.update                 session.updated (session.type required, as in GA)
    conversation.item.create       conversation.item.added, conversation.item.done
    conversation.item.retrieve     conversation.item.retrieved
    conversation.item.delete       conversation.item.deleted
    input_audio_buffer.append      accepted silently; .clear -> input_audio_buffer.cleared
    response.create                response.created, rate_limits.updated,
                                   response.output_item.added, conversation.item.added,
                                   response.content_part.added, response.output_text.delta*,
                                   response.output_text.done, response.content_part.done,
                                   response.output_item.done, conversation.item.done,
                                   response.done
    response.cancel                error response_cancel_not_active (answers are never in flight
                                   when the next client event is read)
    anything else                  `error` (invalid_event / unsupported_event); socket stays open

Every server event has an `event_id`. With `OpenAI-Beta: realtime=v1` (or the subprotocol
`openai-beta.realtime-v1`) the beta names are used (response.text.delta, ...item.created).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.content import resolve
from mockserver.core.formats import default_error_message, default_error_type
from mockserver.core.ids import Ids
from mockserver.core.request import RequestView
from mockserver.core.strict_json import StrictJSONError, loads
from mockserver.core.ws.ops import Pause, Send, WsOp
from mockserver.core.ws.protocol import WsSetup, delays, error_message, json_text
from mockserver.core.ws.realtime_shapes import (
    BETA_NAMES,
    assistant_item,
    rate_limits,
    response_object,
    session_object,
    usage_object,
)

__all__ = ["RealtimeProtocol", "DEFAULT_REALTIME_MODEL"]

DEFAULT_REALTIME_MODEL = "gpt-realtime"
PATH = "/v1/realtime"
_SILENT = ("input_audio_buffer.append",)
_KNOWN_UNSUPPORTED = (
    "input_audio_buffer.commit", "output_audio_buffer.clear", "conversation.item.truncate",
)


class RealtimeProtocol:
    """One Realtime session: its configuration, its conversation and its event ids."""

    name = "realtime"
    first_turn = 0

    def __init__(self, setup: WsSetup) -> None:
        self.setup = setup
        self.ids = Ids(setup.seed)
        self.session = session_object(self.ids, setup.model or DEFAULT_REALTIME_MODEL)
        self.conversation_id = self.ids.base62("conv_", 21)
        self.items: list[dict[str, Any]] = []
        self.requests = 0

    # -- events ---------------------------------------------------------------------------
    def _event(self, type_: str, **fields: Any) -> Send:
        if self.setup.beta:
            if type_ == "conversation.item.done":
                return Send("")  # removed by _clean: beta has only conversation.item.created
            type_ = BETA_NAMES.get(type_, type_)
        payload = {"type": type_, "event_id": self.ids.base62("event_", 21), **fields}
        return Send(json_text(payload))

    def _error(self, message: str, *, code: str | None, param: str | None = None,
               type: str = "invalid_request_error", client_event_id: Any = None) -> Send:
        return Send(json_text(error_message(
            "realtime", message=message, type=type, code=code, param=param, ids=self.ids,
            client_event_id=client_event_id,
        )))

    @staticmethod
    def _clean(ops: list[WsOp]) -> list[WsOp]:
        return [op for op in ops if not (isinstance(op, Send) and op.data == "")]

    # -- protocol -------------------------------------------------------------------------
    def opening(self) -> list[WsOp]:
        return [self._event("session.created", session=self.session)]

    def receive(self, data: str | bytes) -> list[WsOp]:
        try:
            event: Any = loads(data)
        except StrictJSONError as exc:
            return [self._error(f"The server could not parse the event: invalid JSON "
                                f"({exc.reason}).", code="invalid_json")]
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return [self._error("The 'type' field is missing.", code="invalid_event",
                                param="type")]
        kind, client_id = event["type"], event.get("event_id")
        handlers: dict[str, Callable[[dict[str, Any]], list[WsOp]]] = {
            "session.update": self._session_update,
            "conversation.item.create": self._item_create,
            "conversation.item.retrieve": self._item_retrieve,
            "conversation.item.delete": self._item_delete,
            "input_audio_buffer.clear": lambda e: [self._event("input_audio_buffer.cleared")],
            "response.create": self._response_create,
            "response.cancel": lambda e: [self._error(
                "Cancellation failed: no active response found.",
                code="response_cancel_not_active", client_event_id=client_id)],
        }
        handler = handlers.get(kind)
        if handler is not None:
            return self._clean(handler(event))
        if kind in _SILENT:
            return []
        if kind in _KNOWN_UNSUPPORTED:
            return [self._error(f"mockserver's text-only Realtime subset does not implement "
                                f"'{kind}'.", code="unsupported_event", client_event_id=client_id)]
        return [self._error(f"Invalid value: '{kind}'. This is not a supported client event "
                            "type.", code="invalid_event", param="type", client_event_id=client_id)]

    def _session_update(self, event: dict[str, Any]) -> list[WsOp]:
        update = event.get("session")
        if not isinstance(update, dict) or update.get("type") not in ("realtime", "transcription"):
            return [self._error("Missing required parameter: 'session.type'.",
                                code="missing_required_parameter", param="session.type",
                                client_event_id=event.get("event_id"))]
        for key, value in update.items():
            if key not in ("id", "object", "expires_at"):
                self.session[key] = value
        return [self._event("session.updated", session=self.session)]

    def _item_create(self, event: dict[str, Any]) -> list[WsOp]:
        item = event.get("item")
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            return [self._error("Missing required parameter: 'item.type'.",
                                code="missing_required_parameter", param="item.type",
                                client_event_id=event.get("event_id"))]
        item = {"id": item.get("id") or self.ids.base62("item_", 21), "object": "realtime.item",
                **{k: v for k, v in item.items() if k != "id"}, "status": "completed"}
        previous = self.items[-1]["id"] if self.items else None
        self.items.append(item)
        return [self._event("conversation.item.added", previous_item_id=previous, item=item),
                self._event("conversation.item.done", previous_item_id=previous, item=item)]

    def _find(self, event: dict[str, Any]) -> dict[str, Any] | None:
        return next((i for i in self.items if i["id"] == event.get("item_id")), None)

    def _item_retrieve(self, event: dict[str, Any]) -> list[WsOp]:
        item = self._find(event)
        if item is None:
            return [self._missing(event)]
        return [self._event("conversation.item.retrieved", item=item)]

    def _item_delete(self, event: dict[str, Any]) -> list[WsOp]:
        item = self._find(event)
        if item is None:
            return [self._missing(event)]
        self.items.remove(item)
        return [self._event("conversation.item.deleted", item_id=item["id"])]

    def _missing(self, event: dict[str, Any]) -> Send:
        return self._error(f"Item with item_id '{event.get('item_id')}' not found.",
                           code="item_not_found", param="item_id",
                           client_event_id=event.get("event_id"))

    def _user_text(self) -> str:
        for item in reversed(self.items):
            if item.get("role") == "user":
                parts = item.get("content") or []
                return " ".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))
        return ""

    def _response_create(self, event: dict[str, Any]) -> list[WsOp]:
        raw_options = event.get("response")
        options: dict[str, Any] = raw_options if isinstance(raw_options, dict) else {}
        in_conversation = options.get("conversation", "auto") != "none"
        k = self.requests
        self.requests += 1
        response, seed = self.setup.response_for(k), self.setup.seed + k
        rid = self.ids.base62("resp_", 21)
        base = response_object(rid, self.conversation_id, self.session, options)
        ops: list[WsOp] = [self._event("response.created", response=base)]
        if response.error is not None:
            err = response.error
            failed = {**base, "status": "failed", "status_details": {
                "type": "failed", "error": {
                    "type": err.type or default_error_type(err.status), "code": err.code,
                    "message": err.message or default_error_message(err.status)}}}
            return ops + [self._event("response.done", response=failed)]
        text = self._user_text()
        view = RequestView(api="chat", path=PATH, model=str(self.session.get("model")),
                           stream=True, user_text=text, prompt_tokens=max(1, len(text.split())) + 7)
        content = resolve(response, view, seed)
        item_id = self.ids.base62("item_", 21)
        previous = self.items[-1]["id"] if self.items and in_conversation else None
        where = {"response_id": rid, "item_id": item_id, "output_index": 0, "content_index": 0}
        started = assistant_item(item_id, "in_progress", None)
        ops += [self._event("rate_limits.updated", rate_limits=rate_limits(content)),
                self._event("response.output_item.added", response_id=rid, output_index=0,
                            item=started)]
        if in_conversation:
            ops.append(self._event("conversation.item.added", previous_item_id=previous,
                                   item=started))
        ops.append(self._event("response.content_part.added", **where,
                               part={"type": "text", "text": ""}))
        for pause, piece in zip(delays(len(content.pieces), self.setup.timing, seed),
                                content.pieces, strict=True):
            if pause:
                ops.append(Pause(pause))
            ops.append(self._event("response.output_text.delta", **where, delta=piece))
        done = assistant_item(item_id, "completed", content.text)
        ops += [self._event("response.output_text.done", **where, text=content.text),
                self._event("response.content_part.done", **where,
                            part={"type": "text", "text": content.text}),
                self._event("response.output_item.done", response_id=rid, output_index=0,
                            item=done)]
        if in_conversation:
            self.items.append(done)
            ops.append(self._event("conversation.item.done", previous_item_id=previous, item=done))
        final = {**base, "status": "completed", "output": [done], "usage": usage_object(content)}
        return ops + [self._event("response.done", response=final)]
