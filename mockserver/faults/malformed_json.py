"""malformed_json: one event's `data:` is not valid JSON (or is JSON of the wrong shape)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Literal

from mockserver.core.events import Event
from mockserver.faults._positions import event_index
from mockserver.faults.base import STREAM_FRAMINGS, Fault, FaultContext

__all__ = ["MalformedJson", "GARBAGE"]

#: non-JSON payloads seen from real gateways and buggy proxies (one is drawn from the seed)
GARBAGE = (
    "<html><body><h1>502 Bad Gateway</h1></body></html>",
    "[object Object]",
    "{'role': 'assistant', 'content': 'hi'}",
    "undefined",
    '{"choices":[{"delta":{"content":"x"}}]}}',
)


@dataclass(frozen=True)
class MalformedJson(Fault):
    """Event `at` carries bad JSON in a complete, well-framed event: `truncated` (cut mid-object)
    and `garbage` (not JSON) fail any JSON decoder; `double_encoded` is valid JSON of the wrong
    shape (a string holding the chunk), which a client without schema checks hands on as a string
    instead of a chunk.

    `truncated` cuts the JSON at a seeded point (PAY-08), `garbage` replaces it with a seeded
    non-JSON text (an HTML error page, `[object Object]`, a Python repr...), `double_encoded`
    JSON-encodes the JSON text once more (PAY-07). The event stays a single `data:` line.
    """

    name = "malformed_json"
    layer = "sse"
    framings = STREAM_FRAMINGS  # any stream of JSON events: SSE, NDJSON lines, frames
    example = "malformed_json(at=2)"

    at: int = field(metadata={"min": 1})
    kind: Literal["truncated", "garbage", "double_encoded"] = "truncated"

    def on_events(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        i = event_index(events, self.at, ctx)
        if i is None or events[i].data is None:
            return events
        data = events[i].data or ""
        if self.kind == "truncated":
            bad = data[: ctx.rng.randrange(1, len(data))] if len(data) > 1 else "{"
        elif self.kind == "garbage":
            bad = ctx.rng.choice(GARBAGE)
        else:
            bad = json.dumps(data, ensure_ascii=False)
        out = list(events)
        out[i] = replace(events[i], data=bad)
        return out
