"""invalid_utf8: bytes that are not UTF-8 inside the data of event `at`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mockserver.core.events import Frame
from mockserver.faults._positions import frame_index
from mockserver.faults.base import Fault, FaultContext

__all__ = ["InvalidUtf8", "INVALID_SEQUENCES"]

#: a stray byte pair, an overlong `/`, a lone surrogate, a truncated 3-byte sequence (SSE-21)
INVALID_SEQUENCES = (b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe4\xbd")
_ANCHORS = (b'"content":"', b'"text":"', b'"delta":"', b'":"')


@dataclass(frozen=True)
class InvalidUtf8(Fault):
    """The data of event `at` holds bytes that are not UTF-8 (SSE-21), inside the JSON string of
    the content. A decoder that follows the spec replaces them with U+FFFD and the event stays
    valid JSON with a few replacement characters in the text; a strict `bytes.decode('utf-8')`
    raises.

    The bytes (one of `FF FE`, overlong `C0 AF`, lone surrogate `ED A0 80`, truncated
    `E4 BD`, drawn from the seed) go at the start of the first text string of the event
    (`"content":"`), else of its first string value, else right after `data: `.
    """

    name = "invalid_utf8"
    layer = "sse"
    example = "invalid_utf8(at=2)"

    at: int = field(metadata={"min": 1})

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        i = frame_index(frames, self.at, ctx)
        if i is None:
            return frames
        data = frames[i].data
        bad = ctx.rng.choice(INVALID_SEQUENCES)
        pos = -1
        for anchor in _ANCHORS:
            pos = data.find(anchor)
            if pos >= 0:
                pos += len(anchor)
                break
        if pos < 0:
            pos = data.find(b":") + 1
            pos += 1 if data[pos : pos + 1] == b" " else 0
        out = list(frames)
        out[i] = replace(frames[i], data=data[:pos] + bad + data[pos:])
        return out
