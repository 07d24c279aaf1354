"""missing_done: the stream ends cleanly without its end marker (`data: [DONE]`, Ollama's
`"done": true` line)."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.core.events import Event
from mockserver.faults.base import Fault, FaultContext

__all__ = ["MissingDone"]


@dataclass(frozen=True)
class MissingDone(Fault):
    """The stream ends cleanly (chunked terminator) without `data: [DONE]`. The finish chunk still
    arrived, so the text is complete; a client that waits for the sentinel hangs or reports
    truncation, one that stops at the end of the body cannot tell this from a whole stream.

    On NDJSON (Ollama) the end marker is the last line, `"done": true` with `done_reason` and
    the counters: without it the text is complete but the answer never says it is done.
    Formats without an end marker (Responses, Anthropic, Gemini) are left unchanged.
    """

    name = "missing_done"
    layer = "sse"
    framings = frozenset({"sse", "ndjson"})

    def on_events(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        return [e for e in events if e.kind != "done"]
