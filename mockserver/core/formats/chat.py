"""Render content as Chat Completions (`/v1/chat/completions`), byte-faithful to the real API.

Stream order per choice (openai-wire.md 1.3-1.6): role chunk (the first tool-call fragment is
merged into it for a single call), content chunks, tool-call fragments (id/type/name only on a
call's first fragment, `index` on every one), finish chunk with `delta: {}`, then the usage
chunk (`choices: []`) only with `stream_options.include_usage`, then `data: [DONE]`.
With n > 1 each chunk carries one choice: role+first piece of 0, 1, 2, then round-robin.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from json.encoder import encode_basestring
from typing import Any

from mockserver.core.content import Call, Content
from mockserver.core.events import Event, dumps
from mockserver.core.formats.base import Renderer
from mockserver.core.ids import Ids, rng_for
from mockserver.core.request import (
    RequestView,
    bad_type,
    checked_model,
    count_tokens,
    last_user_text,
    require,
    stream_view,
    text_of,
)
from mockserver.errors import ApiError
from mockserver.sse.encoder import DONE

__all__ = ["chat_view", "chat_events", "chat_frames", "chat_body", "usage_object", "RENDERER"]


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


def _choice_deltas(content: Content) -> Iterator[tuple[str, Any]]:
    """(kind, delta) pairs for one choice, role chunk first, finish excluded. A content delta
    is yielded as the bare text piece (the hot path renders it from a template)."""
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
    yield "role", role
    for piece in content.pieces:
        yield "content", piece
    for call in content.calls:
        if not single_call:
            yield "tool", {"tool_calls": [_first_fragment(call)]}
        for fragment in call.fragments:
            fragment_delta = {"index": call.index, "function": {"arguments": fragment}}
            yield "tool", {"tool_calls": [fragment_delta]}


def _interleave(n: int, per_choice: Iterator[tuple[str, Any]]) -> Iterator[tuple[int, str, Any]]:
    """Order chunks of n identical choices the way the API does (openai-wire.md 1.5):
    role and first piece of choice 0, 1, 2, ..., then the rest round-robin."""
    if n == 1:
        for kind, delta in per_choice:
            yield 0, kind, delta
        return
    head = list(itertools.islice(per_choice, 2))
    for index in range(n):
        for kind, delta in head:
            yield index, kind, delta
    for kind, delta in per_choice:
        for index in range(n):
            yield index, kind, delta


def _choice_json(index: int, kind: str, delta: Any, finish: str | None = None) -> str:
    """The `choices` array of one chunk, compact, exactly as `dumps` would write it."""
    if kind == "content":
        body = '{"content":' + encode_basestring(delta) + "}"
    else:
        body = dumps(delta)
    reason = "null" if finish is None else encode_basestring(finish)
    return f'[{{"index":{index},"delta":{body},"logprobs":null,"finish_reason":{reason}}}]'


class _Envelope:
    """What every chunk of one stream shares (id, created, model, fingerprint) as a template,
    and the seeded `obfuscation` padding drawn once per chunk, in stream order."""

    def __init__(self, request: RequestView, seed: int, model: str) -> None:
        ids = self.ids = Ids(seed)
        head = {
            "id": ids.base62("chatcmpl-", 29),
            "object": "chat.completion.chunk",
            "created": ids.created(),
            "model": model,
            "service_tier": "default",
            "system_fingerprint": ids.fingerprint(),
        }
        self.prefix = dumps(head)[:-1] + ',"choices":'
        self.usage_null = ',"usage":null' if request.include_usage else ""
        self.pad = rng_for(seed, "obfuscation") if request.include_obfuscation else None

    def tail(self) -> str:
        """The chunk's end: the next padding (one draw), or just the closing brace."""
        pad = self.pad
        return "}" if pad is None else f',"obfuscation":"{self.ids.obfuscation(pad)}"}}'

    def data(self, choices: str, usage: str | None = None) -> str:
        return self.prefix + choices + (self.usage_null if usage is None else usage) + self.tail()


def chat_events(content: Content, request: RequestView, seed: int, model: str) -> Iterator[Event]:
    """The stream's events, rendered lazily. Each event's `data` is built from a template of
    the envelope (constant for the stream) around the per-chunk `choices`; faults that need
    the JSON objects get them by `events.hydrate`."""
    env = _Envelope(request, seed, model)
    data = env.data
    for index, kind, delta in _interleave(request.n, _choice_deltas(content)):
        yield Event(data=data(_choice_json(index, kind, delta)), kind=kind)
    for index in range(request.n):
        choices = _choice_json(index, "finish", {}, content.finish_reason)
        yield Event(data=data(choices), kind="finish")
    if request.include_usage:
        yield Event(data=data("[]", ',"usage":' + dumps(usage_object(content))), kind="usage")
    yield Event(data=DONE, kind="done")


def chat_frames(content: Content, request: RequestView, seed: int, model: str
                ) -> Iterator[bytes]:
    """`encode_event(e.data)` of every event of `chat_events` (a chat chunk's JSON is one line),
    built as bytes: content chunks of a single choice from one template around the piece, the
    piece's JSON reused while it repeats. The hot path of a fault-free stream; the same bytes
    (tests/core/test_render_chat.py compares them)."""
    if request.n != 1:
        for event in chat_events(content, request, seed, model):
            yield b"data: " + (event.data or "").encode() + b"\n\n"
        return
    env = _Envelope(request, seed, model)
    data, tail = env.data, env.tail
    before = ("data: " + env.prefix + '[{"index":0,"delta":{"content":').encode()
    after = ('},"logprobs":null,"finish_reason":null}]' + env.usage_null).encode()
    last: str | None = None
    piece_json = b""
    for kind, delta in _choice_deltas(content):
        if kind != "content":
            yield b"data: " + data(_choice_json(0, kind, delta)).encode() + b"\n\n"
            continue
        if delta is not last:
            last, piece_json = delta, before + encode_basestring(delta).encode() + after
        yield piece_json + tail().encode() + b"\n\n"
    yield b"data: " + data(_choice_json(0, "finish", {}, content.finish_reason)).encode() + \
        b"\n\n"
    if request.include_usage:
        usage = ',"usage":' + dumps(usage_object(content))
        yield b"data: " + data("[]", usage).encode() + b"\n\n"
    yield b"data: " + DONE.encode() + b"\n\n"


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


def _check_messages(messages: Any) -> None:
    if not isinstance(messages, list):
        raise bad_type("messages", "an array", messages)
    if not messages:
        raise ApiError(
            400, "Invalid 'messages': empty array. Expected an array with minimum length 1, "
            "but got an empty array instead.", param="messages", code="empty_array",
        )
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise bad_type(f"messages[{i}]", "an object", message)
        role = message.get("role")
        if role not in ("system", "user", "assistant", "tool", "developer", "function"):
            raise ApiError(
                400, f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', "
                "'user', 'function', 'tool', and 'developer'.",
                param=f"messages[{i}].role", code="invalid_value",
            )


def chat_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """A chat request: `messages` (a non-empty array of role'd messages) and the common fields."""
    model = checked_model(body)
    messages = require(body, "messages")
    _check_messages(messages)
    prompt = sum(count_tokens(text_of(m.get("content"))) for m in messages) + 7
    return stream_view("chat", path, body, model, text=last_user_text(messages), prompt=prompt)


RENDERER = Renderer(view=chat_view, events=chat_events, body=chat_body, frames=chat_frames)
