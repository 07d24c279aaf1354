"""Events and frames: the two intermediate forms between a script and the wire.

    Event  one SSE event before encoding: a JSON `payload` (or literal `data`), optional
           `event:` name, `id:`, `retry:`; `kind` tags it (role, content, tool, finish, usage,
           done, error, ...) so faults can find the chunk they act on.
    Frame  the encoded bytes of one event (`counted=True`) or of filler such as a keep-alive
           comment (`counted=False`). Fault positions `at=N` / `after=N` count counted frames.
           The format's framing encodes an event (`Framing.encode`, core/formats/base.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Event", "Frame", "Replay", "dumps", "serialize", "hydrate"]


def dumps(payload: Any) -> str:
    """Compact JSON with non-ASCII as raw UTF-8, as the real API sends it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


# Not `frozen`: a frozen dataclass pays object.__setattr__ per field on every construction,
# about 0.5 us, and one is built per event on the hot path. Treat instances as immutable all
# the same (faults build new ones with dataclasses.replace); they hash by value.
@dataclass(slots=True, unsafe_hash=True)
class Event:
    payload: Any = None
    data: str | None = None
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    kind: str = "chunk"

    def with_payload(self, payload: Any) -> Event:
        return replace(self, payload=payload, data=None)


class Replay:
    """A re-iterable view of a generator function: each pass renders the events afresh, so a
    stream can be played (and journaled, and described) without being held in memory.

    `frames`, when the format has a fast renderer, gives the same stream already encoded: one
    `bytes` per event, equal to `encode(serialize(e)).data` for each event `e` (a fault-free
    stream is played from it; faults work on the events)."""

    __slots__ = ("factory", "frames")

    def __init__(self, factory: Callable[[], Iterable[Event]],
                 frames: Callable[[], Iterable[bytes]] | None = None) -> None:
        self.factory = factory
        self.frames = frames

    def __iter__(self) -> Iterator[Event]:
        return iter(self.factory())


@dataclass(slots=True, unsafe_hash=True)  # not frozen, for the same reason as Event
class Frame:
    data: bytes
    counted: bool = True


def serialize(event: Event) -> Event:
    """Fill `data` from `payload` (compact JSON) unless the event already has literal data."""
    if event.data is not None or event.payload is None:
        return event
    return Event(event.payload, dumps(event.payload), event.event, event.id, event.retry,
                 event.kind)


def hydrate(event: Event) -> Event:
    """Fill `payload` from JSON `data`. Renderers on the hot path write `data` directly from
    templates; faults work on payload objects, so their (short) streams are hydrated first."""
    if event.payload is not None or event.data is None or not event.data.startswith("{"):
        return event
    return Event(json.loads(event.data), event.data, event.event, event.id, event.retry,
                 event.kind)
