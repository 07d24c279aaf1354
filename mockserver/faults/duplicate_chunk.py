"""duplicate_chunk: event `at` is sent twice in a row."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.events import Event
from mockserver.faults._positions import event_index
from mockserver.faults.base import STREAM_FRAMINGS, Fault, FaultContext

__all__ = ["DuplicateChunk"]


@dataclass(frozen=True)
class DuplicateChunk(Fault):
    """Event `at` arrives twice (a retrying proxy or a resumed stream replays it). Every chunk of a
    completion shares one id, so a client cannot tell the copy from a new chunk: a conforming
    client delivers both, the accumulated text repeats that piece (e.g. `HelloHello there`) and
    tool-call arguments repeat a fragment, which breaks their JSON.

    The copy is a counted event of its own (it becomes event `at + 1`).
    """

    name = "duplicate_chunk"
    layer = "sse"
    framings = STREAM_FRAMINGS  # any stream of JSON events: SSE, NDJSON lines, frames
    example = "duplicate_chunk(at=2)"

    at: int = field(metadata={"min": 1})

    def on_events(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        i = event_index(events, self.at, ctx)
        if i is None:
            return events
        return list(events[: i + 1]) + [events[i]] + list(events[i + 1 :])
