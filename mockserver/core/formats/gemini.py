"""Render content as Gemini's GenerateContentResponse (generateContent, streamGenerateContent).

Stream (`?alt=sse`): one SSE event per chunk, `data: <json>` ended by CRLF CRLF, no `event:`
line and no sentinel; the body ends after the chunk that carries `finishReason`. Each chunk is
a whole GenerateContentResponse in Google's stream JSON (`"key": value`, items joined by `,`):

    {"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": "model"},"index": 0}],
     "usageMetadata": {"promptTokenCount": 3,"candidatesTokenCount": 1,"totalTokenCount": 4,
     "promptTokensDetails": [{"modality": "TEXT","tokenCount": 3}]},
     "modelVersion": "gemini-2.5-flash","responseId": "..."}

    text chunks          one per piece; usage on every chunk, candidatesTokenCount cumulative
    the last chunk       `finishReason` after `content` (STOP, MAX_TOKENS, SAFETY)
    function calls       one chunk with every call as a `functionCall` part (whole `args`
                         object, never fragments) and a `thoughtSignature`, then
                         finishReason STOP and `finishMessage`

Non-stream: the same response with all the text in one part, as an indented JSON body.
Errors: google.rpc's `{"error": {"code", "message", "status"[, "details"]}}`, indented; the
status is the canonical name for the HTTP code (429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE...).
Headers: Google's front end (`server: scaffolding on HTTPServer2`, `server-timing`, `vary`),
no `x-request-id`, JSON as `application/json; charset=UTF-8`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

from mockserver.core.content import Call, Content
from mockserver.core.events import Event
from mockserver.core.formats.base import Renderer
from mockserver.core.formats.drafts import default_error_message
from mockserver.core.formats.gemini_request import (
    gemini_gate,
    gemini_listing,
    gemini_model_info,
    gemini_sample,
    gemini_unknown_model,
    gemini_view,
)
from mockserver.core.formats.lines import google_json, google_pretty
from mockserver.core.ids import rng_for
from mockserver.core.request import RequestView

__all__ = [
    "gemini_events", "gemini_body", "gemini_error_body", "gemini_headers", "gemini_error_event",
    "gemini_chunk", "gemini_status", "response_id", "FINISH_REASONS", "RENDERER", "MODELS",
]

#: Content.finish_reason -> Gemini finishReason
FINISH_REASONS = {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "STOP",
                  "function_call": "STOP", "content_filter": "SAFETY"}
#: HTTP status -> google.rpc canonical status (google/rpc/code.proto)
_STATUSES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    409: "ABORTED", 412: "FAILED_PRECONDITION", 413: "INVALID_ARGUMENT", 416: "OUT_OF_RANGE",
    429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL", 501: "UNIMPLEMENTED",
    503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}
_MESSAGES = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    500: "An internal error has occurred. Please retry or report in "
    "https://developers.generativeai.google/guide/troubleshooting",
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
}
_PARSE_ERROR = "We could not parse the JSON body"  # the shared JSON check's wording
_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def gemini_status(status: int, given: str | None = None) -> str:
    """The canonical status name: an explicit one (`type="UNAVAILABLE"`) is kept, else the
    name for the HTTP code."""
    if given and given.isupper() and given.replace("_", "").isalpha():
        return given
    return _STATUSES.get(status, "INTERNAL" if status >= 500 else "FAILED_PRECONDITION")


def gemini_error_body(status: int, message: str, type: str, code: str | None,
                      param: str | None, request_id: str) -> dict[str, Any]:
    """google.rpc.Status as the API sends it; an upper-case `code` is its ErrorInfo reason."""
    if message.startswith(_PARSE_ERROR):
        message = "Invalid JSON payload received. Unexpected token."
    elif message == default_error_message(status) and status in _MESSAGES:
        message = _MESSAGES[status]
    error: dict[str, Any] = {"code": status, "message": message,
                             "status": gemini_status(status, type)}
    if code and code.isupper():
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": code,
                             "domain": "googleapis.com",
                             "metadata": {"service": "generativelanguage.googleapis.com"}}]
    return {"error": error}


def gemini_headers(headers: list[tuple[str, str]], error: bool) -> list[tuple[str, str]]:
    """Google's front-end headers; the processing time becomes `server-timing`."""
    out: list[tuple[str, str]] = []
    took = "120"
    for name, value in headers:
        if name == "content-type" and value.startswith("application/json"):
            out.append((name, "application/json; charset=UTF-8"))
        elif name == "openai-processing-ms":
            took = value
        elif name != "x-request-id" and not name.startswith(("openai-", "x-ratelimit-")):
            out.append((name, value))
    return out + [
        ("vary", "Origin"), ("vary", "X-Origin"), ("vary", "Referer"),
        ("server", "scaffolding on HTTPServer2"), ("x-xss-protection", "0"),
        ("x-frame-options", "SAMEORIGIN"), ("x-content-type-options", "nosniff"),
        ("server-timing", f"gfet4t7; dur={took}"),
    ]


def response_id(seed: int) -> str:
    """`responseId`: 23 URL-safe base64 characters, from the seed."""
    rng = rng_for(seed, "gemini-response")
    return "".join(rng.choice(_B64URL) for _ in range(23))


def _signature(seed: int, call: Call) -> str:
    rng = rng_for(seed, f"gemini-signature:{call.index}")
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(48))).decode("ascii")


def _args(call: Call) -> dict[str, Any]:
    try:
        value = json.loads(call.arguments) if call.arguments else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _usage(content: Content, candidates: int) -> dict[str, Any]:
    thoughts = len(content.reasoning.split()) if content.reasoning else 0
    usage: dict[str, Any] = {
        "promptTokenCount": content.prompt_tokens, "candidatesTokenCount": candidates,
        "totalTokenCount": content.prompt_tokens + candidates + thoughts,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": content.prompt_tokens}],
    }
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    return usage


def gemini_chunk(parts: list[dict[str, Any]] | None, usage: dict[str, Any], model: str,
                 rid: str, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    """One GenerateContentResponse with a single candidate (content omitted when `parts` is
    None, as a blocked candidate has none)."""
    candidate: dict[str, Any] = {}
    if parts is not None:
        candidate["content"] = {"parts": parts, "role": "model"}
    if finish is not None:
        candidate["finishReason"] = finish
    candidate["index"] = 0
    candidate.update(extra)
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model,
            "responseId": rid}


def _calls_part(content: Content, seed: int) -> list[dict[str, Any]]:
    return [{"functionCall": {"name": c.name, "args": _args(c)},
             "thoughtSignature": _signature(seed, c)} for c in content.calls]


def gemini_events(content: Content, request: RequestView, seed: int, model: str
                  ) -> Iterator[Event]:
    """The stream's chunks, lazily; the last one carries finishReason."""
    rid = response_id(seed)
    finish = FINISH_REASONS.get(content.finish_reason, "STOP")
    total = content.completion_tokens
    pieces = content.pieces if content.pieces or content.calls else ("",)
    running = 0
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1 and not content.calls
        running = total if last else min(total, running + max(1, len(piece.split())))
        chunk = gemini_chunk([{"text": piece}], _usage(content, running), model, rid,
                             finish if last else None)
        yield Event(payload=chunk, data=google_json(chunk), kind="finish" if last else "content")
    if content.calls:
        chunk = gemini_chunk(_calls_part(content, seed), _usage(content, total), model, rid,
                             finish, finishMessage="Model generated function call(s).")
        yield Event(payload=chunk, data=google_json(chunk), kind="finish")


def gemini_body(content: Content, request: RequestView, seed: int, model: str
                ) -> dict[str, Any]:
    """The non-stream GenerateContentResponse: the whole text in one part."""
    parts: list[dict[str, Any]] = []
    if content.pieces or not content.calls:
        parts.append({"text": content.text})
    parts += _calls_part(content, seed)
    extra = {"finishMessage": "Model generated function call(s)."} if content.calls else {}
    return gemini_chunk(parts, _usage(content, content.completion_tokens), model,
                        response_id(seed), FINISH_REASONS.get(content.finish_reason, "STOP"),
                        **extra)


def gemini_error_event(shape: str, at: int, before: list[Event]) -> Event:
    """The error object google-genai raises on mid-stream (`data: {"error": ...}`), for every
    shape of `error_event`: 500 INTERNAL."""
    error = {"error": {"code": 500, "message": _MESSAGES[500], "status": "INTERNAL"}}
    return Event(payload=error, data=google_json(error), kind="error")


RENDERER = Renderer(
    view=gemini_view, events=gemini_events, body=gemini_body, json_text=google_pretty,
    error_body=gemini_error_body, headers=gemini_headers, error_event=gemini_error_event,
    gate=gemini_gate, model_info=gemini_model_info, unknown_model=gemini_unknown_model,
    sample=gemini_sample,
)
#: the model catalogue routes (`GET /v1beta/models[/{model}]`)
MODELS = Renderer(listing=gemini_listing, json_text=google_pretty, error_body=gemini_error_body,
                  headers=gemini_headers, gate=gemini_gate)
