"""no_finish_reason: `finish_reason` is null on every chunk, the last one included."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from mockserver.core.events import Event
from mockserver.faults._positions import choices_of
from mockserver.faults.base import Fault, FaultContext

__all__ = ["NoFinishReason"]


@dataclass(frozen=True)
class NoFinishReason(Fault):
    """No chunk ever carries a `finish_reason` (Ollama-style, PAY-04): the text arrives complete
    and the stream ends with `[DONE]`, but `finish_reason` stays null, so a client cannot tell a
    finished answer from a cut one.

    The finish chunk is still sent, with `finish_reason: null`.
    """

    name = "no_finish_reason"
    layer = "payload"

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        out = []
        for event in events:
            if any(c.get("finish_reason") is not None for c in choices_of(event.payload)):
                payload = copy.deepcopy(event.payload)
                for choice in choices_of(payload):
                    choice["finish_reason"] = None
                event = event.with_payload(payload)
            out.append(event)
        return out
