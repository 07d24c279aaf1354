"""Shared helpers for faults that act on "the Nth event" or rewrite SSE lines.

Positions follow SPEC 3: every SSE event of the body counts (the role-only first chunk and
`[DONE]` too) and `at=N` is the Nth, 1-based. Before encoding, every `Event` is one counted
event; after encoding, only frames with `counted=True` are (filler such as keep-alives is not).
A fault whose `at` lies beyond the stream leaves the stream unchanged.

On a live stream a hook sees the stream in pieces (faults/base.py): `ctx.offset` events came
before this piece, so the helpers take `ctx` and answer with an index into the piece.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from mockserver.core.events import Event, Frame
from mockserver.faults.base import FaultContext

__all__ = [
    "event_index", "frame_index", "insertion", "choices_of", "deltas_of", "find_text",
    "chunk_template", "EOLS", "eol_of",
]

#: the line terminators an event stream may use (WHATWG 9.2.5)
EOLS = (b"\r\n", b"\n", b"\r")


def event_index(events: list[Event], at: int, ctx: FaultContext) -> int | None:
    """Index in this piece of the stream's `at`-th event (1-based), or None when the piece
    does not hold it."""
    i = at - 1 - ctx.offset
    return i if 0 <= i < len(events) else None


def frame_index(frames: list[Frame], at: int, ctx: FaultContext) -> int | None:
    """Index in this piece of the stream's `at`-th counted frame, or None."""
    seen = ctx.offset
    for i, frame in enumerate(frames):
        if frame.counted:
            seen += 1
            if seen == at:
                return i
    return None


def insertion(events: list[Event], at: int, ctx: FaultContext) -> tuple[int, dict[str, Any]] | None:
    """For a fault that inserts a chunk as the stream's `at`-th event: the index in this piece
    where it goes and a copy of the chat chunk nearest that place (the new chunk's envelope);
    None when the place is not in this piece or no chunk is at hand. `at` one past the last
    event appends (known only in the final piece). A live piece may open with a non-chunk
    (`[DONE]`): the last chunk of earlier pieces, kept in `ctx.state`, stands in."""
    i = at - 1 - ctx.offset
    here = 0 <= i < len(events) or (i == len(events) and ctx.final)
    template = chunk_template(events, i) if here else None
    if here and template is None and "chunk" in ctx.state:
        template = copy.deepcopy(ctx.state["chunk"])
    if i >= len(events):  # the place is still ahead: remember this piece's last chunk
        last = next((e.payload for e in reversed(events)
                     if isinstance(e.payload, dict) and "choices" in e.payload), None)
        if last is not None:
            ctx.state["chunk"] = last
    return (i, template) if here and template is not None else None


def choices_of(payload: Any) -> list[dict[str, Any]]:
    """The `choices` list of a chat/completions chunk, or [] for anything else."""
    if isinstance(payload, dict) and isinstance(payload.get("choices"), list):
        return [c for c in payload["choices"] if isinstance(c, dict)]
    return []


def deltas_of(payload: Any) -> Iterator[dict[str, Any]]:
    """Each choice's `delta` dict in a chat chunk."""
    for choice in choices_of(payload):
        delta = choice.get("delta")
        if isinstance(delta, dict):
            yield delta


_TEXT_KEYS = ("content", "text", "delta", "arguments", "partial_json", "thinking")


def find_text(node: Any) -> tuple[Any, Any] | None:
    """(container, key) of the first string that carries generated text in a payload, preferring
    a non-empty one: chat `delta.content`, completions `text`, Responses `delta`, Anthropic
    `delta.text`, tool `arguments`. None when the payload carries no text."""
    found: list[tuple[Any, Any, str]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in _TEXT_KEYS and isinstance(item, str):
                    found.append((value, key, item))
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node)
    for container, key, text in found:
        if text:
            return container, key
    return (found[0][0], found[0][1]) if found else None


def chunk_template(events: list[Event], index: int) -> dict[str, Any] | None:
    """A deep copy of the chunk object nearest to `index` (for faults that add chunks)."""
    order = sorted(range(len(events)), key=lambda i: (abs(i - index), i))
    for i in order:
        payload = events[i].payload
        if isinstance(payload, dict) and "choices" in payload:
            return copy.deepcopy(payload)
    return None


def eol_of(data: bytes) -> bytes:
    """The line terminator an encoded event uses (LF unless it was rewritten)."""
    for eol in EOLS:
        if data.endswith(eol + eol):
            return eol
    return b"\n"
