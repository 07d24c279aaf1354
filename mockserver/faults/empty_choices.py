"""empty_choices: an extra chunk with `choices: []` at position `at`."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.events import Event
from mockserver.faults._positions import insertion
from mockserver.faults.base import Fault, FaultContext

__all__ = ["EmptyChoices"]


@dataclass(frozen=True)
class EmptyChoices(Fault):
    """A chunk with `choices: []` (Azure's `prompt_filter_results` chunk, PAY-02) arrives as event
    `at`: code that reads `chunk.choices[0]` raises IndexError; a client that skips empty choices
    gets the complete text.

    The chunk is inserted (later events move one place on); `at` one past the last event
    appends it. Streams without chat chunks are unchanged.
    """

    name = "empty_choices"
    layer = "payload"
    example = "empty_choices(at=1)"

    at: int = field(metadata={"min": 1})

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        place = insertion(events, self.at, ctx)
        if place is None:
            return events
        i, template = place
        template["choices"] = []
        template["prompt_filter_results"] = [
            {
                "prompt_index": 0,
                "content_filter_results": {
                    kind: {"filtered": False, "severity": "safe"}
                    for kind in ("hate", "self_harm", "sexual", "violence")
                },
            }
        ]
        template.pop("usage", None)
        return list(events[:i]) + [Event(payload=template, kind="empty")] + list(events[i:])
