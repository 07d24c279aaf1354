"""field_noise: legal but unusual SSE fields (`id:`, `retry:`, `event:`) around event `at`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from mockserver.core.events import Frame
from mockserver.faults._positions import eol_of, frame_index
from mockserver.faults.base import Fault, FaultContext

__all__ = ["FieldNoise"]


@dataclass(frozen=True)
class FieldNoise(Fault):
    """Spec-valid SSE fields that produce no event appear before event `at`: a block that only sets
    `retry:` or `event:` (dispatches nothing, SSE-15) or an `id:` followed by extra blank lines
    (SSE-08). A conforming parser delivers exactly the same events as without the fault; a parser
    that dispatches on every blank line hands an empty `data` to its JSON decoder.

    field=id     event `at` gets `id: <at>` and is followed by one extra blank line
    field=retry  a `retry: 3000` block (no data) is sent just before event `at`
    field=event  an `event: ping` block (no data) is sent just before event `at`
    The added bytes are not counted as events.
    """

    name = "field_noise"
    layer = "sse"
    example = "field_noise(at=2)"

    at: int = field(metadata={"min": 1})
    field: Literal["id", "retry", "event"] = "retry"

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        i = frame_index(frames, self.at, ctx)
        if i is None:
            return frames
        target = frames[i]
        eol = eol_of(target.data)
        out = list(frames)
        if self.field == "id":
            out[i] = replace(target, data=b"id: %d%s%s%s" % (self.at, eol, target.data, eol))
        else:
            line = b"retry: 3000" if self.field == "retry" else b"event: ping"
            out.insert(i, Frame(line + eol + eol, counted=False))
        return out
