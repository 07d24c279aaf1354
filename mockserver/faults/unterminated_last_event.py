"""unterminated_last_event: the last event of the body lacks its terminating blank line."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mockserver.core.events import Frame
from mockserver.faults._positions import eol_of
from mockserver.faults.base import Fault, FaultContext

__all__ = ["UnterminatedLastEvent"]


@dataclass(frozen=True)
class UnterminatedLastEvent(Fault):
    """The final event is never dispatched by a conforming client: its `data:` line ends but
    the blank line after it never comes before the body ends (WHATWG R13, SSE-19). With the
    default stream that event is `[DONE]`, so openai-python and httpx-sse end normally
    without it (like `missing_done`); combined with `missing_done` the finish chunk is lost
    and no `finish_reason` arrives. Clients that dispatch pending data at EOF (sseclient-py,
    per failure-modes.md) deliver the event anyway.
    """

    name = "unterminated_last_event"
    layer = "sse"

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        for i in range(len(frames) - 1, -1, -1):
            frame = frames[i]
            if frame.counted:
                eol = eol_of(frame.data)
                if frame.data.endswith(eol + eol):
                    out = list(frames)
                    out[i] = replace(frame, data=frame.data[: -len(eol)])
                    return out
                return frames
        return frames
