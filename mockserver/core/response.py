"""What one request gets, as frozen data: a scripted `Response` (text or chunks, tool calls,
reasoning, finish reason, usage, a WebSocket script) or an `ErrorReply`.

    Response ── text / chunks        streamed content (default: derived from the request)
             ├── tool_calls           [ToolCall(name, arguments (the JSON string), id?)]
             ├── error                ErrorReply(status, type, message, code, param, headers)
             ├── headers              extra response headers (a recorded upstream's, say)
             └── ws                   WebSocket script (list of server messages)

A leaf of the core: the renderers, the faults and the pipeline read it, and `Scenario`
(scenario.py) holds one or a sequence of them. `Response.from_dict` validates a document and
names the file and field path of any error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.validate import Doc

__all__ = ["Response", "ToolCall", "ErrorReply", "FINISH_REASONS"]

FINISH_REASONS = ("stop", "length", "tool_calls", "content_filter", "function_call")

_RESPONSE_KEYS = (
    "text",
    "chunks",
    "tool_calls",
    "finish_reason",
    "usage",
    "error",
    "ws",
    "reasoning",
    "headers",
)


@dataclass(frozen=True)
class ToolCall:
    """One tool call the assistant makes; `arguments` is the JSON string, as on the wire."""

    name: str
    arguments: str = "{}"
    id: str | None = None


@dataclass(frozen=True)
class ErrorReply:
    """An HTTP error answer (before any streaming): status, OpenAI error fields, extra headers."""

    status: int = 500
    type: str | None = None
    message: str | None = None
    code: str | None = None
    param: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Response:
    """One scripted answer. An empty Response means the faithful default for the request."""

    text: str | None = None
    chunks: tuple[str, ...] | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Mapping[str, Any] | None = field(default=None, compare=False)
    reasoning: str | None = None
    error: ErrorReply | None = None
    ws: tuple[Any, ...] | None = None
    #: response headers set on the answer (over the rendered ones): a recording's upstream's
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def scripted(self) -> bool:
        """Whether it says anything itself. An empty Response is the faithful default: behind
        `--upstream`, the upstream's answer (with the scenario's faults)."""
        return any(value is not None and value != () for value in (
            self.text, self.chunks, self.tool_calls, self.finish_reason, self.usage,
            self.reasoning, self.error, self.ws, self.headers))

    @classmethod
    def from_dict(cls, data: Any, *, where: str = "<python>", path: str = "response") -> Response:
        if isinstance(data, Response):
            return data
        doc = Doc(data, where=where, path=path)
        doc.check_keys(_RESPONSE_KEYS)
        chunks = doc.list("chunks")
        if chunks is not None:
            for i, chunk in enumerate(chunks):
                if not isinstance(chunk, str):
                    raise doc.error("chunks", f"item {i} must be a string, got {chunk!r}")
        if doc.has("text") and chunks is not None:
            raise doc.error("chunks", "give either text or chunks, not both")
        finish = doc.str("finish_reason")
        if finish is not None and finish not in FINISH_REASONS:
            raise doc.error("finish_reason", f"expected one of {', '.join(FINISH_REASONS)}")
        usage = doc.get("usage")
        if usage is not None and not isinstance(usage, Mapping):
            raise doc.error("usage", "expected a mapping of token counts")
        ws = doc.list("ws")
        return cls(
            text=doc.str("text"),
            chunks=tuple(chunks) if chunks is not None else None,
            tool_calls=_tool_calls(doc),
            finish_reason=finish,
            usage=dict(usage) if usage is not None else None,
            reasoning=doc.str("reasoning"),
            error=_error(doc) if doc.has("error") else None,
            ws=tuple(ws) if ws is not None else None,
            headers=_headers(doc, doc.get("headers")),
        )


def _tool_calls(doc: Doc) -> tuple[ToolCall, ...]:
    items = doc.list("tool_calls") or []
    calls = []
    for i, item in enumerate(items):
        if isinstance(item, ToolCall):
            calls.append(item)
            continue
        sub = Doc(item, where=doc.where, path=f"{doc.path}.tool_calls[{i}]")
        sub.check_keys(("name", "arguments", "id"))
        name = sub.str("name")
        if not name:
            raise sub.error("name", "a tool call needs a name")
        arguments = sub.get("arguments", "{}")
        if isinstance(arguments, Mapping):
            arguments = json.dumps(arguments, separators=(", ", ": "))
        if not isinstance(arguments, str):
            raise sub.error("arguments", "expected the JSON string of the arguments")
        calls.append(ToolCall(name=name, arguments=arguments, id=sub.str("id")))
    return tuple(calls)


def _headers(doc: Doc, headers: Any) -> tuple[tuple[str, str], ...]:
    if headers is None:
        return ()
    if not isinstance(headers, Mapping):
        raise doc.error("headers", "expected a mapping of header name to value")
    out = []
    for name, value in headers.items():
        text = f"{name}: {value}"
        if any(ch in text for ch in "\r\n\0"):
            raise doc.error("headers", f"header {name!r} must be one line")
        out.append((str(name).lower(), str(value)))
    return tuple(out)


def _error(doc: Doc) -> ErrorReply:
    sub = doc.sub("error", doc.get("error"))
    sub.check_keys(("status", "type", "message", "code", "param", "headers"))
    status = sub.int("status", 500, minimum=100)
    assert status is not None
    if status > 599:
        raise sub.error("status", f"expected an HTTP status 100-599, got {status}")
    headers = _headers(sub, sub.get("headers") or {})
    return ErrorReply(
        status=status,
        type=sub.str("type"),
        message=sub.str("message"),
        code=sub.str("code"),
        param=sub.str("param"),
        headers=headers,
    )
