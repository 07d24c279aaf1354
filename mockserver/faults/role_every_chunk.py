"""role_every_chunk: every chunk's delta repeats `"role": "assistant"`."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from mockserver.core.events import Event
from mockserver.faults._positions import deltas_of
from mockserver.faults.base import Fault, FaultContext

__all__ = ["RoleEveryChunk"]


@dataclass(frozen=True)
class RoleEveryChunk(Fault):
    """Every chunk's delta carries `"role": "assistant"`, not only the first (some
    OpenAI-compatible servers do this): each chunk read alone looks right, but an accumulator that
    concatenates string fields ends with the role `assistantassistant...`.
    """

    name = "role_every_chunk"
    layer = "payload"

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        out = []
        for event in events:
            if any(True for _ in deltas_of(event.payload)):
                payload = copy.deepcopy(event.payload)
                for delta in deltas_of(payload):
                    delta["role"] = "assistant"
                event = event.with_payload(payload)
            out.append(event)
        return out
