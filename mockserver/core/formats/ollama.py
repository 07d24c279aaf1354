"""Render content as Ollama's NDJSON streams (`/api/chat`, `/api/generate`) and JSON answers.

One JSON object per line, `\\n` after each, written by Go's `json.Marshal` (compact, `<`, `>`
and `&` escaped as \\u003c, \\u003e, \\u0026), `application/x-ndjson`. Field order is the
order of the Go structs (api/types.go): `model`, `created_at` (RFC 3339, nanoseconds, UTC),
then `message` (chat) or `response` (generate), `done`, and on the last line `done_reason`
and the counters (nanoseconds and token counts):

    {"model":"llama3.2","created_at":"2026-01-02T10:11:12.345678912Z",
     "message":{"role":"assistant","content":"Hi"},"done":false}
    ...
    {"model":"llama3.2","created_at":"...","message":{"role":"assistant","content":""},
     "done":true,"done_reason":"stop","total_duration":812345678,"load_duration":41234567,
     "prompt_eval_count":26,"prompt_eval_duration":61234567,"eval_count":9,
     "eval_duration":701234567}

Chat tool calls arrive whole on one line, `message.tool_calls: [{"id": "call_xxxxxxxx",
"function": {"index", "name", "arguments": {...}}}]`, before the last line; reasoning comes
first as `message.thinking` lines. Generate's last line adds `context` (token ids). With
`"stream": false` the answer is one object: the last line with the whole text. The model is
echoed as the request named it. Errors: `{"error": "..."}`; mid-stream, an `{"error": ...}`
line ends the stream (ollama-python raises ResponseError on it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mockserver.core.content import Call, Content, word_chunks
from mockserver.core.events import Event
from mockserver.core.formats.base import Renderer
from mockserver.core.formats.drafts import default_error_message
from mockserver.core.formats.lines import go_json
from mockserver.core.formats.ollama_request import (
    LOADING,
    ollama_gate,
    ollama_listing,
    ollama_model_info,
    ollama_sample,
    ollama_unknown_model,
    ollama_view,
)
from mockserver.core.ids import EPOCH, rng_for
from mockserver.core.request import RequestView

__all__ = [
    "ollama_events", "ollama_body", "ollama_error_body", "ollama_headers", "ollama_error_event",
    "rfc3339_nano", "DONE_REASONS", "RENDERER", "MODELS",
]

DONE_REASONS = {"stop": "stop", "length": "length", "tool_calls": "stop",
                "function_call": "stop", "content_filter": "stop"}
_MESSAGES = {
    400: "invalid request", 401: "unauthorized", 403: "forbidden", 404: "not found",
    429: "too many requests",
    500: "llama runner process has terminated: exit status 2",
    503: "server busy, please try again.  maximum pending requests exceeded",
    504: "timed out waiting for llama runner to start",
}
_PARSE_ERROR = "We could not parse the JSON body"  # the shared JSON check's wording
_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def rfc3339_nano(ns: int) -> str:
    """Go's `time.RFC3339Nano` in UTC (trailing zeros of the fraction dropped), computed from
    nanoseconds since 1970 without a clock (days to civil date: H. Hinnant's algorithm)."""
    seconds, fraction = divmod(ns, 10**9)
    days, rest = divmod(seconds, 86400)
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day, month = doy - (153 * mp + 2) // 5 + 1, mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (month <= 2)
    frac = f".{fraction:09d}".rstrip("0").rstrip(".")
    return (f"{year:04d}-{month:02d}-{day:02d}T{rest // 3600:02d}:{rest % 3600 // 60:02d}:"
            f"{rest % 60:02d}{frac}Z")


class _Clock:
    """`created_at` of each line: a seeded start, then a seeded step per line."""

    def __init__(self, seed: int) -> None:
        self._rng = rng_for(seed, "ollama-clock")
        self.ns = (EPOCH + self._rng.randrange(0, 86400 * 30)) * 10**9 + self._rng.randrange(
            10**9)

    def tick(self) -> str:
        self.ns += self._rng.randrange(8_000_000, 30_000_000)
        return rfc3339_nano(self.ns)


def _metrics(content: Content, request: RequestView, seed: int) -> dict[str, int]:
    rng = rng_for(seed, "ollama-metrics")
    load = rng.randrange(15_000_000, 90_000_000)
    prompt_eval = request.prompt_tokens * rng.randrange(800_000, 2_500_000)
    evals = content.completion_tokens
    eval_ns = evals * rng.randrange(12_000_000, 30_000_000)
    return {"total_duration": load + prompt_eval + eval_ns + rng.randrange(1_000_000, 9_000_000),
            "load_duration": load, "prompt_eval_count": request.prompt_tokens,
            "prompt_eval_duration": prompt_eval, "eval_count": evals, "eval_duration": eval_ns}


def _call_id(seed: int, call: Call) -> str:
    if not (call.id.startswith("call_") and len(call.id) == 29):  # scripted: kept
        return call.id
    rng = rng_for(seed, f"ollama-call:{call.index}")
    return "call_" + "".join(rng.choice(_ID_CHARS) for _ in range(8))


def _tool_calls(content: Content, seed: int) -> list[dict[str, Any]]:
    out = []
    for call in content.calls:
        try:
            arguments = json.loads(call.arguments) if call.arguments else {}
        except ValueError:
            arguments = {}
        out.append({"id": _call_id(seed, call), "function": {
            "index": call.index, "name": call.name,
            "arguments": arguments if isinstance(arguments, dict) else {}}})
    return out


def _line(request: RequestView, clock: _Clock, text: str = "", *, thinking: str = "",
          calls: list[dict[str, Any]] | None = None, done: bool = False,
          tail: dict[str, Any] | None = None) -> dict[str, Any]:
    """One response object in the field order of `api.ChatResponse` / `GenerateResponse`."""
    line: dict[str, Any] = {"model": request.model, "created_at": clock.tick()}
    if request.path.endswith("/chat"):
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if thinking:
            message["thinking"] = thinking
        if calls:
            message["tool_calls"] = calls
        line["message"] = message
    else:
        line["response"] = text
        if thinking:
            line["thinking"] = thinking
    line["done"] = done
    line.update(tail or {})
    return line


def _final(content: Content, request: RequestView, seed: int, clock: _Clock, text: str = "",
           **more: Any) -> dict[str, Any]:
    tail: dict[str, Any] = {"done_reason": DONE_REASONS.get(content.finish_reason, "stop")}
    if not request.path.endswith("/chat"):
        total = min(4096, request.prompt_tokens + content.completion_tokens)
        rng = rng_for(seed, "ollama-context")
        tail["context"] = [rng.randrange(1, 128000) for _ in range(total)]
    tail.update(_metrics(content, request, seed))
    return _line(request, clock, text, done=True, tail=tail, **more)


def _event(line: dict[str, Any], kind: str) -> Event:
    return Event(payload=line, data=go_json(line), kind=kind)


def ollama_events(content: Content, request: RequestView, seed: int, model: str
                  ) -> Iterator[Event]:
    """The NDJSON lines of a streamed answer, lazily; the last one says `"done": true`."""
    clock = _Clock(seed)
    for piece in word_chunks(content.reasoning or ""):
        yield _event(_line(request, clock, thinking=piece), "reasoning")
    for piece in content.pieces:
        yield _event(_line(request, clock, piece), "content")
    if content.calls and request.path.endswith("/chat"):
        yield _event(_line(request, clock, calls=_tool_calls(content, seed)), "tool")
    yield _event(_final(content, request, seed, clock), "done")


def ollama_body(content: Content, request: RequestView, seed: int, model: str
                ) -> dict[str, Any]:
    """`"stream": false`: the last line with the whole answer (or the model-load answer)."""
    clock = _Clock(seed)
    if request.user_text == LOADING:
        return _line(request, clock, done=True, tail={"done_reason": "load"})
    calls = _tool_calls(content, seed) if request.path.endswith("/chat") else None
    return _final(content, request, seed, clock, content.text, thinking=content.reasoning or "",
                  calls=calls)


def ollama_error_body(status: int, message: str, type: str, code: str | None,
                      param: str | None, request_id: str) -> dict[str, Any]:
    """`{"error": "<message>"}`, with Ollama's wording for the defaults."""
    if message.startswith(_PARSE_ERROR):
        message = "invalid character looking for beginning of value"
    elif message == default_error_message(status) and status in _MESSAGES:
        message = _MESSAGES[status]
    return {"error": message}


def ollama_headers(headers: list[tuple[str, str]], error: bool) -> list[tuple[str, str]]:
    """What Ollama's gin server sends: the content type only (JSON with charset=utf-8)."""
    return [(name, "application/json; charset=utf-8" if value.startswith("application/json")
             else value) for name, value in headers if name == "content-type"]


def ollama_error_event(shape: str, at: int, before: list[Event]) -> Event:
    """The `{"error": ...}` line a failing runner ends the stream with (every shape)."""
    error = {"error": "an error was encountered while running the model: unexpected EOF"}
    return Event(payload=error, data=go_json(error), kind="error")


RENDERER = Renderer(
    view=ollama_view, events=ollama_events, body=ollama_body, json_text=go_json,
    error_body=ollama_error_body, headers=ollama_headers, error_event=ollama_error_event,
    gate=ollama_gate, model_info=ollama_model_info, unknown_model=ollama_unknown_model,
    sample=ollama_sample,
)
#: `GET /api/tags` and `POST /api/show`
MODELS = Renderer(listing=ollama_listing, json_text=go_json, error_body=ollama_error_body,
                  headers=ollama_headers, gate=ollama_gate)
