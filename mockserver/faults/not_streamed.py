"""not_streamed: a `stream=true` request gets a plain JSON completion instead of SSE."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.content import Call, Content
from mockserver.core.events import Event, dumps
from mockserver.core.formats import FORMATS
from mockserver.faults.base import Draft, Fault, FaultContext

__all__ = ["NotStreamed", "content_of"]


def content_of(events: list[Event], prompt_tokens: int) -> tuple[Content, str]:
    """Rebuild what a chat or legacy-completions stream says (text, tool calls, finish, usage)
    and the model it names, so the same answer can be rendered as a non-stream body."""
    pieces: list[str] = []
    calls: dict[int, dict[str, str]] = {}
    finish, model, usage = "stop", "", None
    for event in events:
        obj = event.payload
        if not isinstance(obj, dict):
            continue
        model = obj.get("model", model)
        usage = obj.get("usage") or usage
        for choice in obj.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue
            finish = choice.get("finish_reason") or finish
            delta = choice.get("delta") or {}
            text = delta.get("content") if "delta" in choice else choice.get("text")
            if text:
                pieces.append(text)
            for call in delta.get("tool_calls") or []:
                slot = calls.setdefault(call.get("index", 0), {"id": "", "name": "", "args": ""})
                slot["id"] = call.get("id") or slot["id"]
                function = call.get("function") or {}
                slot["name"] = function.get("name") or slot["name"]
                slot["args"] += function.get("arguments") or ""
    built = tuple(
        Call(index=i, id=c["id"], name=c["name"], arguments=c["args"], fragments=(c["args"],))
        for i, c in sorted(calls.items())
    )
    completion = (usage or {}).get("completion_tokens") or max(1, len(pieces) + len(built))
    content = Content(
        pieces=tuple(pieces), calls=built, finish_reason=finish,
        prompt_tokens=(usage or {}).get("prompt_tokens") or prompt_tokens,
        completion_tokens=completion,
    )
    return content, model


def _body(draft: Draft, ctx: FaultContext) -> Any:
    events = draft.events or []
    if draft.fmt in ("chat", "completions"):
        content, model = content_of(events, ctx.request.prompt_tokens)
        return FORMATS[draft.fmt].body(content, ctx.request, ctx.seed, model)
    # other formats end with an event that carries the whole answer (response.completed, ...)
    for event in reversed(events):
        obj = event.payload
        if isinstance(obj, dict):
            inner = obj.get("response") or obj.get("message")
            return inner if isinstance(inner, dict) else obj
    return {}


@dataclass(frozen=True)
class NotStreamed(Fault):
    """A `stream=true` request gets `200 application/json` with a non-stream completion body:
    openai-python and openai-node return normally with zero chunks (the JSON is parsed as SSE
    lines and yields no event); httpx-sse raises SSEError; EventSource fails the connection.
    """

    name = "not_streamed"
    layer = "http"

    def on_draft(self, draft: Draft, ctx: FaultContext) -> Draft:
        if draft.events is None:
            return draft
        body = dumps(_body(draft, ctx)).encode()
        draft.set_header("content-type", "application/json")
        return Draft(draft.status, list(draft.headers), events=None, body=body, fmt=draft.fmt)
