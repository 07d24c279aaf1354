"""Render content as Anthropic Messages (`/v1/messages`), byte-faithful to openai-wire.md 6.9.

Stream: named events only (`event:` line equal to the JSON `type`; the anthropic SDK skips
events without one), no `[DONE]`, the body ends after `message_stop`:

    message_start                      message with empty content, usage.output_tokens 1
    per block (thinking, text, tool_use):
      content_block_start              ping follows the first one
      content_block_delta*             thinking_delta + signature_delta | text_delta |
                                       input_json_delta (first one empty, then partial JSON)
      content_block_stop
    message_delta                      stop_reason (end_turn | tool_use | max_tokens | refusal),
                                       cumulative usage.output_tokens
    message_stop

Errors have Anthropic's own shape, `{"type":"error","error":{"type","message"},"request_id"}`,
with the error type chosen by status, and the request id in a `request-id` header.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any, cast

from mockserver.core.content import Call, Content, word_chunks
from mockserver.core.events import Event
from mockserver.core.formats.base import Renderer
from mockserver.core.formats.drafts import default_error_message
from mockserver.core.ids import rng_for
from mockserver.core.request import (
    RequestView,
    checked_model,
    count_tokens,
    last_user_text,
    stream_view,
    text_of,
)
from mockserver.core.strict_json import loads
from mockserver.errors import ApiError

__all__ = [
    "anthropic_view",
    "anthropic_events",
    "anthropic_body",
    "anthropic_error_body",
    "anthropic_error_payload",
    "anthropic_headers",
    "anthropic_error_type",
    "anthropic_error_event",
    "STOP_REASONS",
    "RENDERER",
]

_BASE62 = string.ascii_letters + string.digits
#: Content.finish_reason -> Anthropic stop_reason
STOP_REASONS = {
    "stop": "end_turn", "tool_calls": "tool_use", "function_call": "tool_use",
    "length": "max_tokens", "content_filter": "refusal",
}
_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 402: "billing_error",
    403: "permission_error", 404: "not_found_error", 413: "request_too_large",
    429: "rate_limit_error", 500: "api_error", 504: "timeout_error", 529: "overloaded_error",
}
_MESSAGES = {
    401: "invalid x-api-key",
    403: "Your API key does not have permission to use the specified resource.",
    404: "Not found",
    413: "Request exceeds the maximum allowed number of bytes.",
    429: "Number of request tokens has exceeded your per-minute rate limit.",
    500: "Internal server error",
    529: "Overloaded",
}


def anthropic_error_type(status: int, given: str | None = None) -> str:
    """The Anthropic error type for a status; an explicit Anthropic type (other than the generic
    `invalid_request_error`) is kept, OpenAI types are mapped by status."""
    if given and given != "invalid_request_error" and given in _TYPES.values():
        return given
    return _TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")


def anthropic_error_payload(type: str = "overloaded_error", message: str = "Overloaded"
                            ) -> dict[str, Any]:
    """The data of an in-stream `event: error` (the SDK raises APIStatusError on it)."""
    return {"type": "error", "error": {"type": type, "message": message}}


def anthropic_error_body(status: int, message: str, type: str, code: str | None,
                         param: str | None, request_id: str) -> dict[str, Any]:
    """`{"type":"error","error":{"type","message"},"request_id"}`; OpenAI default wording is
    replaced by Anthropic's for the same status."""
    if message == default_error_message(status) and status in _MESSAGES:
        message = _MESSAGES[status]
    body = anthropic_error_payload(anthropic_error_type(status, type), message)
    body["request_id"] = request_id
    return body


def anthropic_headers(headers: list[tuple[str, str]], error: bool) -> list[tuple[str, str]]:
    """Anthropic's response headers: `request-id`, no openai-* headers, its own rate limits."""
    out: list[tuple[str, str]] = []
    for name, value in headers:
        if name == "x-request-id":
            out.append(("request-id", value))
        elif not name.startswith(("openai-", "x-ratelimit-")):
            out.append((name, value))
    if not error:
        out += [
            ("anthropic-organization-id", "00000000-0000-4000-8000-6d6f636b7376"),
            ("anthropic-ratelimit-requests-limit", "4000"),
            ("anthropic-ratelimit-requests-remaining", "3999"),
            ("anthropic-ratelimit-input-tokens-limit", "2000000"),
            ("anthropic-ratelimit-input-tokens-remaining", "2000000"),
            ("anthropic-ratelimit-output-tokens-limit", "400000"),
            ("anthropic-ratelimit-output-tokens-remaining", "400000"),
        ]
    return out


def _tool_id(call: Call) -> str:
    """`toolu_01...` from the call's id (a scripted id that is not `call_...` is kept)."""
    return "toolu_01" + call.id[5:27] if call.id.startswith("call_") else call.id


def _input(call: Call) -> dict[str, Any]:
    try:
        value = loads(call.arguments) if call.arguments else {}
    except ValueError:  # StrictJSONError: arguments that are not strict JSON become {}
        return {}
    return value if isinstance(value, dict) else {}


def _message_id(seed: int) -> str:
    """`msg_01` + 22 base62, from its own stream (tool-call ids come from `Ids(seed)`)."""
    rng = rng_for(seed, "anthropic-message")
    return "msg_01" + "".join(rng.choice(_BASE62) for _ in range(22))


def _signature(seed: int) -> str:
    rng = rng_for(seed, "signature")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(rng.choice(alphabet) for _ in range(120)) + "=="


def _usage(content: Content, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": content.prompt_tokens, "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0, "output_tokens": output_tokens, "service_tier": "standard",
    }


def _output_tokens(content: Content) -> int:
    return content.completion_tokens + len((content.reasoning or "").split())


def _blocks(content: Content, seed: int) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(content_block_start block, deltas) for each block, in order."""
    blocks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    if content.reasoning is not None:
        deltas = [{"type": "thinking_delta", "thinking": p} for p in word_chunks(content.reasoning)]
        deltas.append({"type": "signature_delta", "signature": _signature(seed)})
        blocks.append(({"type": "thinking", "thinking": "", "signature": ""}, deltas))
    if content.pieces or not content.calls:
        deltas = [{"type": "text_delta", "text": p} for p in content.pieces]
        blocks.append(({"type": "text", "text": ""}, deltas))
    for call in content.calls:
        start = {"type": "tool_use", "id": _tool_id(call), "name": call.name, "input": {}}
        parts = ("",) + call.fragments
        blocks.append((start, [{"type": "input_json_delta", "partial_json": p} for p in parts]))
    return blocks


def _kind(delta: dict[str, Any]) -> str:
    return {"text_delta": "content", "input_json_delta": "tool"}.get(delta["type"], "reasoning")


def anthropic_events(content: Content, request: RequestView, seed: int, model: str) -> list[Event]:
    """The SSE events of one streamed answer."""
    message: dict[str, Any] = {
        "id": _message_id(seed), "type": "message", "role": "assistant", "content": [],
        "model": model, "stop_reason": None, "stop_sequence": None, "usage": _usage(content, 1),
    }
    events: list[tuple[str, dict[str, Any]]] = [
        ("role", {"type": "message_start", "message": message})
    ]
    for index, (block, deltas) in enumerate(_blocks(content, seed)):
        events.append(("item", {"type": "content_block_start", "index": index,
                                "content_block": block}))
        if index == 0:
            events.append(("ping", {"type": "ping"}))
        for delta in deltas:
            events.append((_kind(delta), {"type": "content_block_delta", "index": index,
                                          "delta": delta}))
        events.append(("item", {"type": "content_block_stop", "index": index}))
    stop = {"stop_reason": STOP_REASONS.get(content.finish_reason, "end_turn"),
            "stop_sequence": None}
    events.append(("finish", {"type": "message_delta", "delta": stop,
                              "usage": {"output_tokens": _output_tokens(content)}}))
    events.append(("stop", {"type": "message_stop"}))
    return [Event(payload=obj, event=obj["type"], kind=kind) for kind, obj in events]


def anthropic_body(content: Content, request: RequestView, seed: int, model: str) -> dict[str, Any]:
    """The non-stream Message object."""
    blocks: list[dict[str, Any]] = []
    if content.reasoning is not None:
        blocks.append({"type": "thinking", "thinking": content.reasoning,
                       "signature": _signature(seed)})
    if content.pieces or not content.calls:
        blocks.append({"type": "text", "text": content.text})
    for call in content.calls:
        blocks.append({"type": "tool_use", "id": _tool_id(call), "name": call.name,
                       "input": _input(call)})
    return {
        "id": _message_id(seed), "type": "message", "role": "assistant", "model": model,
        "content": blocks, "stop_reason": STOP_REASONS.get(content.finish_reason, "end_turn"),
        "stop_sequence": None, "usage": _usage(content, _output_tokens(content)),
    }


def anthropic_error_event(shape: str, at: int, before: list[Event]) -> Event:
    """The in-stream error replacing event `at` (`error_event` fault): whatever the shape,
    Anthropic's `event: error` with `overloaded_error` (the SDK raises APIStatusError)."""
    return Event(payload=anthropic_error_payload(), event="error", kind="error")


_ANTHROPIC_FIELDS: dict[str, tuple[type | tuple[type, ...], str, float | None, float | None]] = {
    "model": (str, "a valid string", None, None),
    "max_tokens": (int, "a valid integer", 1, None),
    "messages": (list, "a valid list", None, None),
    "temperature": ((int, float), "a valid number", 0, 1),
    "top_p": ((int, float), "a valid number", 0, 1),
    "top_k": (int, "a valid integer", 0, None),
    "stream": (bool, "a valid boolean", None, None),
    "system": ((str, list), "a valid string or list", None, None),
}


def _check_anthropic(body: Mapping[str, Any]) -> tuple[str, int]:
    """Anthropic's validation, with its pydantic-style wording ("max_tokens: Field required")."""
    for name, (kind, word, low, high) in _ANTHROPIC_FIELDS.items():
        value: Any = body.get(name)
        if value is None:
            if name in ("model", "max_tokens", "messages"):
                raise ApiError(400, f"{name}: Field required", param=name)
            continue
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ApiError(400, f"{name}: Input should be {word}", param=name)
        number = cast(float, value)  # numeric: only numeric fields have bounds
        if low is not None and number < low:
            raise ApiError(400, f"{name}: Input should be greater than or equal to {low}",
                           param=name)
        if high is not None and number > high:
            raise ApiError(400, f"{name}: Input should be less than or equal to {high}", param=name)
    messages = body["messages"]
    if not messages:
        raise ApiError(400, "messages: at least one message is required", param="messages")
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, Mapping) else None
        if role == "system":
            raise ApiError(400, 'messages: Unexpected role "system". The Messages API accepts a '
                           'top-level `system` parameter, not "system" as an input message role.')
        if role not in ("user", "assistant"):
            raise ApiError(400, f"messages.{i}.role: Input should be 'user' or 'assistant'")
    system = body.get("system")
    words = sum(count_tokens(text_of(m.get("content"))) for m in messages)
    return last_user_text(messages), words + (count_tokens(text_of(system)) if system else 0) + 7


def anthropic_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """A Messages request: Anthropic's own checks first, then the common fields."""
    text, prompt = _check_anthropic(body)
    model = checked_model(body)
    return stream_view("messages", path, body, model, text=text, prompt=prompt)


RENDERER = Renderer(
    view=anthropic_view, events=anthropic_events, body=anthropic_body,
    error_body=anthropic_error_body, headers=anthropic_headers, error_event=anthropic_error_event,
)
