"""bad_crc: one message of an AWS event stream fails its CRC32 check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mockserver.core.events import Frame
from mockserver.core.formats.eventstream import PRELUDE_LENGTH
from mockserver.faults._positions import frame_index
from mockserver.faults.base import Fault, FaultContext

__all__ = ["BadCrc"]


@dataclass(frozen=True)
class BadCrc(Fault):
    """Event-stream message `at` arrives with a wrong CRC32 (the message's, or its prelude's),
    the rest of the stream intact: botocore checks both and raises `ChecksumMismatch` while
    the stream is iterated, after delivering the messages before it (boto3 and the Anthropic
    SDK's Bedrock client alike); a decoder that skips the check hands on a message it cannot
    trust.

    `which=message` flips the last byte of the message CRC; `which=prelude` flips the prelude
    CRC, so the lengths themselves cannot be trusted.
    """

    name = "bad_crc"
    layer = "eventstream"
    framings = frozenset({"aws_eventstream"})
    example = "bad_crc(at=3)"

    at: int = field(metadata={"min": 1})
    which: Literal["message", "prelude"] = "message"

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        i = frame_index(frames, self.at, ctx)
        if i is None or len(frames[i].data) < PRELUDE_LENGTH + 4:
            return frames
        data = bytearray(frames[i].data)
        data[len(data) - 1 if self.which == "message" else PRELUDE_LENGTH - 1] ^= 0xFF
        out = list(frames)
        out[i] = Frame(bytes(data), frames[i].counted)
        return out
