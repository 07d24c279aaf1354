"""Render legacy Completions (`/v1/completions`, openai-wire.md section 2): `text_completion`
chunks with one choice each, the usage chunk with `stream_options.include_usage`, `[DONE]`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.core.content import Content
from mockserver.core.events import Event
from mockserver.core.formats.base import Renderer
from mockserver.core.ids import Ids
from mockserver.core.request import (
    RequestView,
    bad_type,
    checked_model,
    count_tokens,
    require,
    stream_view,
)
from mockserver.sse.encoder import DONE

__all__ = ["completion_view", "completion_events", "completion_body", "RENDERER"]


def _usage(content: Content) -> dict[str, int]:
    return {
        "prompt_tokens": content.prompt_tokens,
        "completion_tokens": content.completion_tokens,
        "total_tokens": content.prompt_tokens + content.completion_tokens,
    }


def _completion(ids: Ids, model: str, choices: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": ids.base62("cmpl-", 24),
        "object": "text_completion",
        "created": ids.created(),
        "model": model,
        "system_fingerprint": None,
        "choices": choices,
    }


def completion_events(content: Content, request: RequestView, seed: int, model: str) -> list[Event]:
    events = []
    for piece in content.pieces:
        choice = {"text": piece, "index": 0, "logprobs": None, "finish_reason": None}
        events.append(Event(payload=_completion(Ids(seed), model, [choice]), kind="content"))
    final = {"text": "", "index": 0, "logprobs": None, "finish_reason": content.finish_reason}
    events.append(Event(payload=_completion(Ids(seed), model, [final]), kind="finish"))
    if request.include_usage:
        usage_chunk = _completion(Ids(seed), model, [])
        usage_chunk["usage"] = _usage(content)
        events.append(Event(payload=usage_chunk, kind="usage"))
    events.append(Event(data=DONE, kind="done"))
    return events


def completion_body(
    content: Content, request: RequestView, seed: int, model: str
) -> dict[str, Any]:
    choice = {
        "text": content.text,
        "index": 0,
        "logprobs": None,
        "finish_reason": content.finish_reason,
    }
    body = _completion(Ids(seed), model, [choice])
    body["usage"] = _usage(content)
    return body


def completion_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """A legacy completion request: `prompt` (a string or an array) and the common fields."""
    model = checked_model(body)
    prompt_raw = require(body, "prompt")
    if not isinstance(prompt_raw, (str, list)):
        raise bad_type("prompt", "a string or an array", prompt_raw)
    text = prompt_raw if isinstance(prompt_raw, str) else " ".join(map(str, prompt_raw))
    return stream_view("completions", path, body, model, text=text, prompt=count_tokens(text))


RENDERER = Renderer(view=completion_view, events=completion_events, body=completion_body)
