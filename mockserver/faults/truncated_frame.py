"""truncated_frame: an AWS event stream ends in the middle of a message."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.events import Frame
from mockserver.faults._positions import frame_index
from mockserver.faults.base import Fault, FaultContext

__all__ = ["TruncatedFrame"]


@dataclass(frozen=True)
class TruncatedFrame(Fault):
    """Event-stream message `at` stops part-way (its prelude promises bytes that never come)
    and the body then ends properly: botocore's buffer waits for the rest of the message,
    the body ends, and the stream simply stops, with no error, so boto3 and the Anthropic
    SDK's Bedrock client return a truncated answer unless the caller checks for the final
    events (`messageStop`, `metadata`, `message_stop`).

    `keep` is how many bytes of the message are sent (default: half of it).
    """

    name = "truncated_frame"
    layer = "eventstream"
    framings = frozenset({"aws_eventstream"})
    example = "truncated_frame(at=3)"

    at: int = field(metadata={"min": 1})
    keep: int = field(default=0, metadata={"min": 0})

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        if ctx.ended:
            return []  # a live stream goes on upstream; its answer already ended here
        i = frame_index(frames, self.at, ctx)
        if i is None:
            return frames
        data = frames[i].data
        keep = min(self.keep or len(data) // 2, len(data) - 1)
        ctx.ended = True
        # the cut message never completes: it does not count as an event
        return list(frames[:i]) + [Frame(data[:keep], counted=False)]
