"""missing_done: the stream ends cleanly without the `data: [DONE]` sentinel."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.core.events import Event
from mockserver.faults.base import Fault, FaultContext

__all__ = ["MissingDone"]


@dataclass(frozen=True)
class MissingDone(Fault):
    """The stream ends without `data: [DONE]`: openai-python and openai-node end iteration
    normally; clients that wait for the sentinel hang or report truncation."""

    name = "missing_done"
    layer = "sse"

    def on_events(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        return [e for e in events if e.kind != "done"]
