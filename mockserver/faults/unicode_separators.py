"""unicode_separators: raw U+2028, U+2029 and NEL inside a text string of event `at`."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from mockserver.core.events import Event
from mockserver.faults._positions import event_index, find_text
from mockserver.faults.base import Fault, FaultContext

__all__ = ["UnicodeSeparators", "SEPARATORS"]

#: LINE SEPARATOR, PARAGRAPH SEPARATOR, NEXT LINE: sent as raw UTF-8 (E2 80 A8, E2 80 A9, C2 85)
SEPARATORS = "\u2028\u2029\u0085"


@dataclass(frozen=True)
class UnicodeSeparators(Fault):
    """The text of event `at` contains raw U+2028, U+2029 and U+0085 (NEL), which are not SSE line
    breaks (WHATWG R14, SSE-23): a conforming parser delivers them inside the content; a reader
    that splits lines with a Unicode-aware `splitlines()` cuts the `data:` line and cannot parse
    its JSON.

    The three characters are inserted at a seeded position of the event's first non-empty text
    string (chat `delta.content`, completions `text`, tool `arguments`, ...); an event without
    any text string is left unchanged.
    """

    name = "unicode_separators"
    layer = "sse"
    example = "unicode_separators(at=2)"

    at: int = field(metadata={"min": 1})

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        i = event_index(events, self.at, ctx)
        if i is None or events[i].payload is None:
            return events
        payload = copy.deepcopy(events[i].payload)
        spot = find_text(payload)
        if spot is None:
            return events
        container, key = spot
        text = container[key]
        cut = ctx.rng.randrange(0, len(text) + 1)
        container[key] = text[:cut] + SEPARATORS + text[cut:]
        out = list(events)
        out[i] = events[i].with_payload(payload)
        return out
