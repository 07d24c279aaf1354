"""Render content as the Responses API (`/v1/responses`), byte-faithful to openai-wire.md 3.

Stream (3.1-3.6): every event has an `event:` line equal to its JSON `type`, a
`sequence_number` counting from 0, keys after `type` in alphabetical order, and no `[DONE]`:

    response.created (0), response.in_progress
    [reasoning item]  output_item.added, per summary part: reasoning_summary_part.added,
                      reasoning_summary_text.delta*, .text.done, .part.done; output_item.done
    [message item]    output_item.added, content_part.added, output_text.delta* (logprobs,
                      obfuscation), output_text.done, content_part.done, output_item.done
    [function calls]  output_item.added, function_call_arguments.delta*, .done, output_item.done
    response.completed | response.incomplete (finish_reason length / content_filter)

`responses_event_payloads` returns the event objects alone (the Responses WebSocket mode sends
the same objects as JSON frames); `responses_error_event` is the format's in-stream error for
the `error_event` fault (both `error` shapes, or `response.failed`; 3.6, 5.3). The Response
object itself and the error payloads live in `responses_object.py`. `responses_view` reads
the request.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from mockserver.core.content import Content, word_chunks
from mockserver.core.events import Event
from mockserver.core.formats.base import Renderer
from mockserver.core.formats.responses_object import (
    INCOMPLETE_REASONS,
    failed_payload,
    response_error_payload,
    response_object,
    usage_for,
)
from mockserver.core.ids import Ids, rng_for
from mockserver.core.request import (
    RequestView,
    bad_type,
    checked_model,
    count_tokens,
    last_user_text,
    stream_view,
)
from mockserver.errors import ApiError

__all__ = [
    "responses_view",
    "responses_events",
    "responses_event_payloads",
    "responses_body",
    "response_error_payload",
    "failed_payload",
    "responses_error_event",
    "response_object",
    "usage_for",
    "INCOMPLETE_REASONS",
    "RENDERER",
]


def _event(type_: str, **fields: Any) -> dict[str, Any]:
    """An event object as the API writes it: `type` first, then the other keys sorted."""
    return {"type": type_, **{k: fields[k] for k in sorted(fields)}}


class _Hex:
    """Item ids (`resp_`, `rs_`, `msg_`, `fc_` + 50 hex) from their own seeded stream, so they
    never repeat the characters of the `call_` ids that `Ids(seed)` gave the content."""

    def __init__(self, seed: int) -> None:
        self._rng = rng_for(seed, "responses-ids")

    def hex(self, prefix: str, n: int) -> str:
        return prefix + "".join(self._rng.choice("0123456789abcdef") for _ in range(n))


class _Items:
    """The output items of one answer, with ids drawn from the seed in a fixed order."""

    def __init__(self, content: Content, ids: _Hex) -> None:
        self.content = content
        self.incomplete = content.finish_reason in INCOMPLETE_REASONS
        self.summaries = [p.strip() for p in (content.reasoning or "").split("\n\n") if p.strip()]
        self.reasoning_id = ids.hex("rs_", 50) if content.reasoning is not None else None
        self.message_id = ids.hex("msg_", 50) if content.pieces or not content.calls else None
        self.call_ids = [ids.hex("fc_", 50) for _ in content.calls]

    def final(self) -> list[dict[str, Any]]:
        """The finished items, as `response.output` lists them."""
        out: list[dict[str, Any]] = []
        if self.reasoning_id is not None:
            out.append(self.reasoning(self.summaries))
        if self.message_id is not None:
            status = "incomplete" if self.incomplete else "completed"
            out.append(self.message(status, [self.text_part(self.content.text)]))
        for call, item_id in zip(self.content.calls, self.call_ids, strict=True):
            out.append(self.call(call, item_id, call.arguments, "completed"))
        return out

    def reasoning(self, summaries: list[str]) -> dict[str, Any]:
        summary = [{"type": "summary_text", "text": s} for s in summaries]
        return {"id": self.reasoning_id, "type": "reasoning", "summary": summary}

    def message(self, status: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
        return {"id": self.message_id, "type": "message", "status": status, "content": parts,
                "role": "assistant"}

    @staticmethod
    def text_part(text: str) -> dict[str, Any]:
        return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}

    @staticmethod
    def call(call: Any, item_id: str, arguments: str, status: str) -> dict[str, Any]:
        return {"id": item_id, "type": "function_call", "status": status, "arguments": arguments,
                "call_id": call.id, "name": call.name}


def _reasoning_events(items: _Items, index: int) -> list[tuple[str, dict[str, Any]]]:
    rid = items.reasoning_id
    out = [("item", _event("response.output_item.added", output_index=index,
                           item=items.reasoning([])))]
    for s, text in enumerate(items.summaries):
        common = {"item_id": rid, "output_index": index, "summary_index": s}
        empty, full = {"type": "summary_text", "text": ""}, {"type": "summary_text", "text": text}
        out.append(("item", _event("response.reasoning_summary_part.added", part=empty, **common)))
        for piece in word_chunks(text):
            out.append(("reasoning",
                        _event("response.reasoning_summary_text.delta", delta=piece, **common)))
        out.append(("reasoning",
                    _event("response.reasoning_summary_text.done", text=text, **common)))
        out.append(("item", _event("response.reasoning_summary_part.done", part=full, **common)))
    out.append(("item", _event("response.output_item.done", output_index=index,
                               item=items.reasoning(items.summaries))))
    return out


def _message_events(items: _Items, index: int, request: RequestView, seed: int
                    ) -> list[tuple[str, dict[str, Any]]]:
    content, mid = items.content, items.message_id
    common = {"item_id": mid, "output_index": index, "content_index": 0}
    pad, ids = rng_for(seed, "obfuscation"), Ids(seed)
    out = [
        ("item", _event("response.output_item.added", output_index=index,
                        item=items.message("in_progress", []))),
        ("item", _event("response.content_part.added", part=items.text_part(""), **common)),
    ]
    for piece in content.pieces:
        extra = {"obfuscation": ids.obfuscation(pad)} if request.include_obfuscation else {}
        out.append(("content", _event("response.output_text.delta", delta=piece, logprobs=[],
                                       **common, **extra)))
    full = items.text_part(content.text)
    status = "incomplete" if items.incomplete else "completed"
    out += [
        ("item", _event("response.output_text.done", text=content.text, logprobs=[], **common)),
        ("item", _event("response.content_part.done", part=full, **common)),
        ("item", _event("response.output_item.done", output_index=index,
                        item=items.message(status, [full]))),
    ]
    return out


def _call_events(items: _Items, first: int) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for offset, (call, item_id) in enumerate(zip(items.content.calls, items.call_ids, strict=True)):
        index = first + offset
        common = {"item_id": item_id, "output_index": index}
        out.append(("item", _event("response.output_item.added", output_index=index,
                                   item=items.call(call, item_id, "", "in_progress"))))
        for fragment in call.fragments:
            out.append(("tool", _event("response.function_call_arguments.delta", delta=fragment,
                                       **common)))
        out.append(("tool", _event("response.function_call_arguments.done",
                                   arguments=call.arguments, name=call.name, **common)))
        out.append(("item", _event("response.output_item.done", output_index=index,
                                   item=items.call(call, item_id, call.arguments, "completed"))))
    return out


def _tagged(content: Content, request: RequestView, seed: int, model: str
            ) -> list[tuple[str, dict[str, Any]]]:
    """(kind, event object) pairs of the whole stream, sequence numbers filled in."""
    ids = _Hex(seed)
    rid, created = ids.hex("resp_", 50), Ids(seed).created()
    items = _Items(content, ids)
    start = response_object(rid, created, request, model, status="in_progress")
    pairs: list[tuple[str, dict[str, Any]]] = [
        ("role", _event("response.created", response=start)),
        ("meta", _event("response.in_progress", response=copy.deepcopy(start))),
    ]
    index = 0
    if items.reasoning_id is not None:
        pairs += _reasoning_events(items, index)
        index += 1
    if items.message_id is not None:
        pairs += _message_events(items, index, request, seed)
        index += 1
    pairs += _call_events(items, index)
    final = _final_response(rid, created, content, request, model, items)
    pairs.append(("finish", _event(f"response.{final['status']}", response=final)))
    for number, (_, obj) in enumerate(pairs):
        obj["sequence_number"] = number
        pairs[number] = (pairs[number][0], _event(obj.pop("type"), **obj))
    return pairs


def _final_response(rid: str, created: int, content: Content, request: RequestView, model: str,
                    items: _Items) -> dict[str, Any]:
    reason = INCOMPLETE_REASONS.get(content.finish_reason)
    return response_object(
        rid, created, request, model,
        status="incomplete" if reason else "completed",
        output=items.final(), usage=usage_for(content),
        incomplete_details={"reason": reason} if reason else None,
        completed_at=None if reason else created + 1 + len(content.pieces) // 20,
        service_tier="default",
    )


def responses_event_payloads(content: Content, request: RequestView, seed: int, model: str
                             ) -> list[dict[str, Any]]:
    """The Responses event objects of one answer (for SSE and for the WebSocket mode)."""
    return [obj for _, obj in _tagged(content, request, seed, model)]


def responses_events(content: Content, request: RequestView, seed: int, model: str) -> list[Event]:
    """SSE events: `event:` line equal to `type`, JSON data, tagged with a `kind`."""
    return [Event(payload=obj, event=obj["type"], kind=kind)
            for kind, obj in _tagged(content, request, seed, model)]


def responses_body(content: Content, request: RequestView, seed: int, model: str) -> dict[str, Any]:
    """The non-stream answer: the final Response object."""
    ids = _Hex(seed)
    rid = ids.hex("resp_", 50)
    items = _Items(content, ids)
    return _final_response(rid, Ids(seed).created(), content, request, model, items)


def responses_error_event(shape: str, at: int, before: list[Event]) -> Event:
    """The in-stream error replacing event `at` (`error_event` fault): `openai` the nested shape
    the real API sent (SDK raises APIError), `event_error` the documented flat shape (SDK yields
    it), `failed` a terminal `response.failed` built on the stream's `response.created`."""
    message = "The server had an error while processing your request. Sorry about that!"
    if shape == "failed":
        snapshots = (
            e.payload["response"] for e in before
            if isinstance(e.payload, dict) and isinstance(e.payload.get("response"), dict)
        )
        snapshot: dict[str, Any] = next(snapshots, {})
        payload = failed_payload(snapshot, at - 1, message=message)
        return Event(payload=payload, event=payload["type"], kind="error")
    flat = "flat" if shape == "event_error" else "nested"
    payload = response_error_payload(flat, at - 1, message=message)  # type: ignore[arg-type]
    return Event(payload=payload, event="error", kind="error")


def responses_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """A Responses request: `model` (its own wording when missing), `input` (a string or an
    array of items) and the common fields."""
    if body.get("model") is None:
        raise ApiError(400, "Missing required parameter: 'model'.", param="model",
                       code="missing_required_parameter")
    model = checked_model(body)
    raw_input = body.get("input", "")
    if raw_input is not None and not isinstance(raw_input, (str, list)):
        raise bad_type("input", "a string or an array", raw_input)
    text = last_user_text(raw_input)
    return stream_view("responses", path, body, model, text=text, prompt=count_tokens(text) + 7)


RENDERER = Renderer(
    view=responses_view, events=responses_events, body=responses_body,
    error_event=responses_error_event,
)
