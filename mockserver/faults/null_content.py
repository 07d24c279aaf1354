"""null_content: an extra chunk whose delta has `content: null` at position `at`."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.events import Event
from mockserver.faults._positions import choices_of, insertion
from mockserver.faults.base import Fault, FaultContext

__all__ = ["NullContent"]


@dataclass(frozen=True)
class NullContent(Fault):
    """A chunk whose delta is `{"content": null}` arrives as event `at` (PAY-03): code that
    concatenates `delta.content` raises TypeError; a client that treats null as an empty string
    gets the complete text.

    The chunk is inserted (later events move one place on); `at` one past the last event
    appends it. Streams without chat chunks are unchanged.
    """

    name = "null_content"
    layer = "payload"
    example = "null_content(at=2)"

    at: int = field(metadata={"min": 1})

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        place = insertion(events, self.at, ctx)
        if place is None or not choices_of(place[1]):
            return events
        i, template = place
        choice = choices_of(template)[0]
        template["choices"] = [
            {"index": choice.get("index", 0), "delta": {"content": None},
             "logprobs": None, "finish_reason": None}
        ]
        if "usage" in template:
            template["usage"] = None
        return list(events[:i]) + [Event(payload=template, kind="content")] + list(events[i:])
