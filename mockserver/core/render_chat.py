"""Render content as Chat Completions (`/v1/chat/completions`), byte-faithful to the real API.

Stream order per choice (openai-wire.md 1.3-1.6): role chunk (the first tool-call fragment is
merged into it for a single call), content chunks, tool-call fragments (id/type/name only on a
call's first fragment, `index` on every one), finish chunk with `delta: {}`, then the usage
chunk (`choices: []`) only with `stream_options.include_usage`, then `data: [DONE]`.
With n > 1 each chunk carries one choice: role+first piece of 0, 1, 2, then round-robin.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.content import Call, Content
from mockserver.core.events import Event
from mockserver.core.ids import Ids, rng_for
from mockserver.core.request import RequestView
from mockserver.sse.encoder import DONE

__all__ = ["chat_events", "chat_body", "usage_object"]


def usage_object(content: Content) -> dict[str, Any]:
    return {
        "prompt_tokens": content.prompt_tokens,
        "completion_tokens": content.completion_tokens,
        "total_tokens": content.prompt_tokens + content.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _first_fragment(call: Call) -> dict[str, Any]:
    return {
        "index": call.index,
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": ""},
    }


def _choice_deltas(content: Content) -> list[tuple[str, dict[str, Any]]]:
    """(kind, delta) pairs for one choice, role chunk first, finish excluded."""
    deltas: list[tuple[str, dict[str, Any]]] = []
    single_call = len(content.calls) == 1 and not content.pieces
    if single_call:
        role: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [_first_fragment(content.calls[0])],
            "refusal": None,
        }
    elif content.calls and not content.pieces:
        role = {"role": "assistant", "content": None}
    else:
        role = {"role": "assistant", "content": "", "refusal": None}
    deltas.append(("role", role))
    for piece in content.pieces:
        deltas.append(("content", {"content": piece}))
    for call in content.calls:
        if not single_call:
            deltas.append(("tool", {"tool_calls": [_first_fragment(call)]}))
        for fragment in call.fragments:
            deltas.append(
                (
                    "tool",
                    {"tool_calls": [{"index": call.index, "function": {"arguments": fragment}}]},
                )
            )
    return deltas


def _interleave(n: int, per_choice: list[tuple[str, dict[str, Any]]]) -> list[tuple[int, str, Any]]:
    """Order chunks of n identical choices the way the API does (openai-wire.md 1.5)."""
    if n == 1:
        return [(0, kind, delta) for kind, delta in per_choice]
    order: list[tuple[int, str, Any]] = []
    head = per_choice[:2]
    for index in range(n):
        order.extend((index, kind, delta) for kind, delta in head)
    for kind, delta in per_choice[2:]:
        order.extend((index, kind, delta) for index in range(n))
    return order


def chat_events(content: Content, request: RequestView, seed: int, model: str) -> list[Event]:
    ids = Ids(seed)
    chat_id = ids.base62("chatcmpl-", 29)
    created = ids.created()
    fingerprint = ids.fingerprint()
    pad = rng_for(seed, "obfuscation")

    def chunk(choices: list[dict[str, Any]], usage: Any = ...) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": chat_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": fingerprint,
            "choices": choices,
        }
        if usage is not ...:
            obj["usage"] = usage
        elif request.include_usage:
            obj["usage"] = None
        if request.include_obfuscation:
            obj["obfuscation"] = ids.obfuscation(pad)
        return obj

    events = []
    for index, kind, delta in _interleave(request.n, _choice_deltas(content)):
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": None}
        events.append(Event(payload=chunk([choice]), kind=kind))
    for index in range(request.n):
        choice = {
            "index": index,
            "delta": {},
            "logprobs": None,
            "finish_reason": content.finish_reason,
        }
        events.append(Event(payload=chunk([choice]), kind="finish"))
    if request.include_usage:
        events.append(Event(payload=chunk([], usage=usage_object(content)), kind="usage"))
    events.append(Event(data=DONE, kind="done"))
    return events


def chat_body(content: Content, request: RequestView, seed: int, model: str) -> dict[str, Any]:
    ids = Ids(seed)
    message: dict[str, Any] = {
        "role": "assistant",
        "content": content.text if (content.pieces or not content.calls) else None,
        "refusal": None,
        "annotations": [],
    }
    if content.calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in content.calls
        ]
    return {
        "id": ids.base62("chatcmpl-", 29),
        "object": "chat.completion",
        "created": ids.created(),
        "model": model,
        "choices": [
            {
                "index": i,
                "message": message,
                "logprobs": None,
                "finish_reason": content.finish_reason,
            }
            for i in range(request.n)
        ],
        "usage": usage_object(content),
        "service_tier": "default",
        "system_fingerprint": ids.fingerprint(),
    }
