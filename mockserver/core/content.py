"""What an answer says, independent of wire format: text pieces, tool calls, finish, usage.

`resolve(response, request, seed)` turns a scripted `Response` (or the empty default) into a
`Content` that every renderer (chat, completions, Responses, Anthropic, WebSocket) shares, so
one script gives the same text and chunking on every route.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mockserver.core.ids import Ids
from mockserver.core.request import RequestView
from mockserver.core.response import Repeat, Response

__all__ = ["Content", "Call", "resolve", "default_reply", "word_chunks", "split_arguments"]

_WORDS = re.compile(r"\s*\S+|\s+$")


def word_chunks(text: str) -> list[str]:
    """Split text into word-sized pieces, each carrying its leading whitespace (like tokens)."""
    pieces = _WORDS.findall(text)
    return pieces if pieces else ([text] if text else [])


def default_reply(user_text: str) -> str:
    """The deterministic answer when nothing is scripted, derived from the last user message."""
    user_text = " ".join(user_text.split())
    if not user_text:
        return "Hello! This is mockserver, a fake OpenAI-compatible upstream."
    return f"You said: {user_text}"


def split_arguments(arguments: str, size: int = 8) -> list[str]:
    """Cut a tool call's JSON arguments into fragments of a few characters, as the API does."""
    if not arguments:
        return []
    return [arguments[i : i + size] for i in range(0, len(arguments), size)]


@dataclass(frozen=True)
class Call:
    """A tool call ready to render: ids resolved, arguments cut into fragments."""

    index: int
    id: str
    name: str
    arguments: str
    fragments: tuple[str, ...]


@dataclass(frozen=True)
class Content:
    pieces: Sequence[str]  # a tuple, or a `Repeat` (never expanded)
    calls: tuple[Call, ...]
    finish_reason: str
    prompt_tokens: int
    scripted_completion_tokens: int | None = None  # from the script's `usage`, if given
    reasoning: str | None = None

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @functools.cached_property
    def completion_tokens(self) -> int:
        """Scripted, or counted (words, tool-call fragments) only when a usage is rendered:
        a million-chunk stream does not pay for counting before its first byte."""
        if self.scripted_completion_tokens is not None:
            return self.scripted_completion_tokens
        pieces = self.pieces
        if isinstance(pieces, Repeat):  # count one repetition, not a million
            words = pieces.times * sum(len(p.split()) or 1 for p in pieces.pieces)
        else:
            words = sum(len(p.split()) or 1 for p in pieces)
        return max(1, words + sum(len(c.fragments) for c in self.calls))


def resolve(response: Response, request: RequestView, seed: int) -> Content:
    pieces: Sequence[str]
    if response.chunks is not None:
        pieces = response.chunks  # a tuple or a Repeat: shared, never copied per request
    elif response.text is not None:
        pieces = word_chunks(response.text)
    elif response.tool_calls:
        pieces = ()
    else:
        pieces = word_chunks(default_reply(request.user_text))
    ids = Ids(seed)
    calls = tuple(
        Call(
            index=i,
            id=call.id or ids.base62("call_", 24),
            name=call.name,
            arguments=call.arguments,
            fragments=tuple(split_arguments(call.arguments)),
        )
        for i, call in enumerate(response.tool_calls)
    )
    finish = response.finish_reason or ("tool_calls" if calls else "stop")
    usage = dict(response.usage or {})
    scripted = usage.get("completion_tokens")
    return Content(
        pieces=pieces if isinstance(pieces, (tuple, Repeat)) else tuple(pieces),
        calls=calls,
        finish_reason=finish,
        prompt_tokens=int(usage.get("prompt_tokens", request.prompt_tokens)),
        scripted_completion_tokens=int(scripted) if scripted is not None else None,
        reasoning=response.reasoning,
    )
