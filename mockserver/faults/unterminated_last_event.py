"""unterminated_last_event: the last event of the body lacks its terminating blank line."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mockserver.core.events import Frame
from mockserver.faults._positions import eol_of
from mockserver.faults.base import Fault, FaultContext

__all__ = ["UnterminatedLastEvent"]


@dataclass(frozen=True)
class UnterminatedLastEvent(Fault):
    """The final event's `data:` line ends but the blank line after it never comes before the body
    ends (WHATWG R13, SSE-19), so a conforming client never dispatches it. With the default stream
    that event is `[DONE]`: the text is complete and the stream ends like `missing_done`; combined
    with `missing_done` the finish chunk is lost. Clients that dispatch pending data at end of body
    deliver the event anyway.
    """

    name = "unterminated_last_event"
    layer = "sse"

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        # Which event is the last is known only at the end: on a live stream the latest
        # counted frame (and what follows it) is held back until another one arrives.
        held: list[Frame] = ctx.state.get("held", [])
        last = next((i for i in range(len(frames) - 1, -1, -1) if frames[i].counted), None)
        if last is None:
            out, held = ([], held + frames) if held else (list(frames), [])
        else:
            out, held = held + frames[:last], list(frames[last:])
        ctx.state["held"] = held
        if not ctx.final or not held:
            return out
        frame = held[0]
        eol = eol_of(frame.data)
        if frame.data.endswith(eol + eol):
            held[0] = replace(frame, data=frame.data[: -len(eol)])
        return out + held
