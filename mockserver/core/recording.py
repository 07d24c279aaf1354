"""A proxied exchange as a scenario document (`serve --record DIR`), secrets redacted.

    Exchange(request, upstream answer: events with arrival times, or a body) ─► document():

    name: chat-gpt-4o-3f9a1c2b7d        the format, the model, a digest of the request
    match: {path, model, body: {messages: ...}}   the request it answers
    times: always
    response: {chunks, tool_calls, finish_reason, usage, headers} | {error: {...}}
    timing: {first_token_ms, chunk_ms, jitter_ms: 0, gaps_ms: [...]}   as measured
    faults: ["close(after=N, mode=abrupt)"]       only when the upstream cut its stream
    recorded: {upstream, status, request: {method, path, headers, body}, headers,
               events: [{event, data}] | body, cut}

`response` is what a script says (core/answer.py reads it back from the upstream's answer), so
`serve --scenarios DIR` replays it through the faithful renderers, with the recorded timing;
`recorded` keeps the real wire answer for `mockserver diff`. Everything that could hold a key
goes through core/redact.py. Pure: the transport measures the times and writes the file.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.answer import payload_of, read_body, read_stream
from mockserver.core.events import Event
from mockserver.core.redact import redact_headers, redact_text, redact_url, redact_value
from mockserver.core.response import Response

__all__ = ["Exchange", "document", "MATCH_FIELDS"]

#: the request fields a recording matches on: what was asked, not how (stream, sampling)
MATCH_FIELDS = ("messages", "input", "prompt", "system", "instructions", "contents", "tools")
#: upstream headers a replay does not send again: framing, dates, cookies, CORS, ours
_NOT_REPLAYED = re.compile(
    r"^(content-length|content-type|content-encoding|transfer-encoding|connection|keep-alive|"
    r"date|set-cookie|access-control-.*|x-mock-.*|vary|alt-svc|strict-transport-security)$")


@dataclass
class Exchange:
    """What the proxy saw: the request, the upstream's head, and its answer with times (ms
    since the request was sent)."""

    api: str
    method: str
    path: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    #: the model as the route reads it (the body's, or the path's: Gemini, Bedrock, Azure)
    model: str | None = None
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    events: list[tuple[float, Event]] = field(default_factory=list)
    body: bytes | None = None
    cut: bool = False


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except (ValueError, UnicodeDecodeError):
        return None


def _model(exchange: Exchange, body: Any) -> str | None:
    model = body.get("model") if isinstance(body, Mapping) else None
    return model if isinstance(model, str) else exchange.model


def _name(exchange: Exchange, body: Any) -> str:
    model = _model(exchange, body) or ""
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", model).strip("-")[:40] or "model"
    digest = hashlib.sha256(exchange.method.encode() + exchange.path.encode() + b"\0"
                            + exchange.request_body).hexdigest()[:10]
    return f"{exchange.api}-{slug}-{digest}"


def _error(exchange: Exchange, body: Any) -> dict[str, Any]:
    """An upstream error answer as a script's `error`, read from the providers' shapes:
    `{"error": {type, message, code, param}}` (OpenAI, Anthropic, Azure), Gemini's `status`,
    Ollama's `{"error": "..."}`, Cohere's and Bedrock's `{"message"}` (Bedrock's type in the
    `x-amzn-errortype` header). A replay renders it in the route's own shape."""
    body = body if isinstance(body, Mapping) else {}
    inner = body.get("error")
    error: dict[str, Any] = {"status": exchange.status}
    found = dict(inner) if isinstance(inner, Mapping) else {}
    if isinstance(inner, str):
        found["message"] = inner
    if "message" not in found and isinstance(body.get("message"), str):
        found["message"] = body["message"]
    if "type" not in found and isinstance(found.get("status"), str):
        found["type"] = found["status"]  # google.rpc status: RESOURCE_EXHAUSTED, ...
    amzn = {k.lower(): v for k, v in exchange.headers}.get("x-amzn-errortype")
    if "type" not in found and amzn:
        found["type"] = amzn.split(":", 1)[0]
    for key in ("type", "message", "code", "param"):
        if isinstance(found.get(key), str):
            error[key] = redact_text(found[key])
    headers = {k: v for k, v in redact_headers(exchange.headers).items()
               if not _NOT_REPLAYED.match(k)}
    if headers:
        error["headers"] = headers
    return {"error": error}


def _script(response: Response) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if response.chunks is not None:
        doc["chunks"] = [redact_text(c) for c in response.chunks]
    if response.text is not None:
        doc["text"] = redact_text(response.text)
    if response.tool_calls:
        doc["tool_calls"] = [{"name": c.name, "arguments": redact_text(c.arguments),
                              **({"id": c.id} if c.id else {})} for c in response.tool_calls]
    if response.reasoning:
        doc["reasoning"] = redact_text(response.reasoning)
    if response.finish_reason:
        doc["finish_reason"] = response.finish_reason
    if response.usage:
        doc["usage"] = dict(response.usage)
    return doc


def _timing(times: list[float]) -> dict[str, Any] | None:
    if not times:
        return None
    gaps = [round(max(0.0, b - a), 1) for a, b in zip(times, times[1:], strict=False)]
    return {"first_token_ms": round(times[0], 1),
            "chunk_ms": round(statistics.fmean(gaps), 1) if gaps else 0.0,
            "jitter_ms": 0.0, "gaps_ms": gaps}


def document(exchange: Exchange) -> tuple[str, dict[str, Any]]:
    """(file stem, scenario document) for one exchange."""
    request = _json(exchange.request_body)
    name = _name(exchange, request)
    match: dict[str, Any] = {"path": exchange.path}
    model = _model(exchange, request)
    if model:
        match["model"] = model
    if isinstance(request, Mapping):
        asked = {k: request[k] for k in MATCH_FIELDS if k in request}
        if asked:
            match["body"] = redact_value(asked)
    doc: dict[str, Any] = {"name": name, "match": match, "times": "always"}
    recorded: dict[str, Any] = {
        "upstream": redact_url(exchange.url), "status": exchange.status,
        "request": {"method": exchange.method, "path": exchange.path,
                    "headers": redact_headers(exchange.request_headers),
                    "body": redact_value(request) if request is not None else None},
        "headers": redact_headers(exchange.headers),
    }
    if exchange.body is not None:
        body = _json(exchange.body)
        if exchange.status >= 400:
            doc["response"] = _error(exchange, body)
        else:
            doc["response"] = _script(read_body(exchange.api, body))
        recorded["body"] = redact_value(body) if body is not None else redact_text(
            exchange.body.decode("utf-8", "replace"))
    else:
        events = [event for _, event in exchange.events]
        doc["response"] = _script(read_stream(exchange.api, events))
        timing = _timing([t for t, _ in exchange.events])
        if timing is not None:
            doc["timing"] = timing
        recorded["events"] = [
            {**({"event": e.event} if e.event else {}),
             "data": json.dumps(redact_value(payload_of(e.data)), ensure_ascii=False,
                                separators=(",", ":"))
             if payload_of(e.data) is not None else redact_text(e.data or "")}
            for e in events]
        if exchange.cut:
            doc["faults"] = [f"close(after={len(events)}, mode=abrupt)"]
    if exchange.status < 400:
        replayed = {k: v for k, v in redact_headers(exchange.headers).items()
                    if not _NOT_REPLAYED.match(k)}
        if replayed:
            doc["response"]["headers"] = replayed
    recorded["cut"] = exchange.cut
    doc["recorded"] = recorded
    return name, doc
