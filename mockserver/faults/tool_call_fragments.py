"""tool_call_fragments: each tool call's arguments arrive in `pieces` fragments."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.events import Event
from mockserver.faults._positions import choices_of
from mockserver.faults.base import Fault, FaultContext

__all__ = ["ToolCallFragments", "cut_text"]


def cut_text(text: str, pieces: int, rng: Any) -> list[str]:
    """`text` cut into `pieces` non-empty fragments at seeded places (fewer if it is shorter)."""
    pieces = min(pieces, len(text))
    if pieces <= 1:
        return [text]
    cuts = sorted(rng.sample(range(1, len(text)), pieces - 1))
    return [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)], strict=True)]


def _argument_call(event: Event) -> tuple[int, int] | None:
    """(choice index, call index) when the event is an arguments-only tool-call fragment."""
    choices = choices_of(event.payload)
    if event.kind != "tool" or len(choices) != 1:
        return None
    calls = (choices[0].get("delta") or {}).get("tool_calls") or []
    if len(calls) != 1 or "id" in calls[0]:
        return None
    return choices[0].get("index", 0), calls[0].get("index", 0)


@dataclass(frozen=True)
class ToolCallFragments(Fault):
    """Each tool call's `arguments` arrive in `pieces` fragments cut at seeded places, mid-token
    (PAY-05): an accumulating client ends with the same arguments; one that parses each fragment as
    JSON, or expects the API's usual ~8-character fragments, fails. `pieces=1` sends each call's
    arguments in one fragment.

    The id, type and name stay in the call's first fragment only; fragments keep `index`.
    Chat format only (other formats are unchanged).
    """

    name = "tool_call_fragments"
    layer = "payload"
    example = "tool_call_fragments(pieces=3)"

    pieces: int = field(metadata={"min": 1, "max": 100_000})

    def needs_whole_stream(self) -> bool:
        return True  # a call's arguments are re-cut from all its fragments

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        groups: dict[tuple[int, int], list[int]] = {}
        for i, event in enumerate(events):
            key = _argument_call(event)
            if key is not None:
                groups.setdefault(key, []).append(i)
        replaced: dict[int, list[Event]] = {}
        for positions in groups.values():
            first = events[positions[0]]
            text = "".join(
                choices_of(events[i].payload)[0]["delta"]["tool_calls"][0]["function"]["arguments"]
                for i in positions
            )
            fresh = []
            for fragment in cut_text(text, self.pieces, ctx.rng):
                payload = copy.deepcopy(first.payload)
                choices_of(payload)[0]["delta"]["tool_calls"][0]["function"]["arguments"] = fragment
                fresh.append(first.with_payload(payload))
            replaced[positions[0]] = fresh
            for i in positions[1:]:
                replaced[i] = []
        out: list[Event] = []
        for i, event in enumerate(events):
            out.extend(replaced.get(i, [event]))
        return out
