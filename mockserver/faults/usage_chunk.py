"""usage_chunk: the usage chunk (`choices: []`) moves, repeats or goes missing."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from mockserver.core.events import Event
from mockserver.faults._positions import choices_of, chunk_template
from mockserver.faults.base import Fault, FaultContext

__all__ = ["UsageChunk"]


def _usage_from(events: list[Event], ctx: FaultContext) -> dict[str, Any]:
    """The stream's own usage object, or one counted from its chunks when it has none."""
    for event in events:
        if event.kind == "usage" and isinstance(event.payload, dict) and event.payload.get("usage"):
            return copy.deepcopy(event.payload["usage"])
    completion = max(1, sum(1 for e in events if e.kind in ("content", "tool")))
    prompt = ctx.request.prompt_tokens
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


@dataclass(frozen=True)
class UsageChunk(Fault):
    """The usage chunk (`choices: []`, PAY-01/02) is where clients do not expect it: `first` opens
    the stream with it (`chunk.choices[0]` raises IndexError on the first chunk); `before_finish`
    sends it before the finish chunk (code that stops at the usage chunk loses `finish_reason`);
    `every_chunk` adds running `usage` to every choice chunk (summing over chunks over-counts);
    `missing` sends none although `stream_options.include_usage` asked for one.

    `first`, `before_finish` and `every_chunk` send usage even when the request did not ask.
    """

    name = "usage_chunk"
    layer = "payload"
    example = "usage_chunk(placement=first)"

    placement: Literal["first", "before_finish", "every_chunk", "missing"]

    def needs_whole_stream(self) -> bool:
        return self.placement != "missing"  # the others count and move chunks stream-wide

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        rest = [e for e in events if e.kind != "usage"]
        if self.placement == "missing":
            return rest
        usage = _usage_from(events, ctx)
        if self.placement == "every_chunk":
            return self._every_chunk(events, usage)
        template = chunk_template(events, len(events) - 1)
        if template is None:
            return events
        template["choices"] = []
        template["usage"] = usage
        chunk = Event(payload=template, kind="usage")
        if self.placement == "first":
            return [chunk] + rest
        finish = next((i for i, e in enumerate(rest) if e.kind == "finish"), len(rest))
        return rest[:finish] + [chunk] + rest[finish:]

    def _every_chunk(self, events: list[Event], usage: dict[str, Any]) -> list[Event]:
        """Running counts on every choice chunk (the last one has the total); the usage chunk,
        if any, keeps the total."""
        total = int(usage.get("completion_tokens", 0))
        prompt = int(usage.get("prompt_tokens", 0))
        chunks = [i for i, e in enumerate(events) if choices_of(e.payload)]
        out = list(events)
        for n, i in enumerate(chunks, start=1):
            payload = copy.deepcopy(events[i].payload)
            done = round(total * n / len(chunks))
            payload["usage"] = {
                "prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done,
            }
            out[i] = events[i].with_payload(payload)
        return out
