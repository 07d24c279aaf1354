"""done_variant: the `[DONE]` sentinel is written differently, or the socket stays open after it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from mockserver.core.events import Frame
from mockserver.core.plan import Close, Op
from mockserver.faults.base import Fault, FaultContext

__all__ = ["DoneVariant"]

_DONE = b"data: [DONE]"
_FORMS = {"no_space": b"data:[DONE]", "extra_space": b"data:  [DONE]"}


@dataclass(frozen=True)
class DoneVariant(Fault):
    """The stream's `[DONE]` sentinel is unusual: `no_space` (`data:[DONE]`) is the same event to
    any SSE-conforming parser; `extra_space` (`data: [DONE]`) makes the data ` [DONE]`, which a
    client matching the exact string hands to its JSON parser at the very end of a complete answer;
    `held_open` sends `data: [DONE]` and then keeps the connection open for `seconds` without
    ending the body, so a client that stops at `[DONE]` returns at once while one that reads to the
    end of the body waits until its read timeout.

    SSE-10 and SSE-30 of failure-modes.md. `seconds` only matters for `held_open`; the server
    stops holding as soon as the client disconnects.
    """

    name = "done_variant"
    layer = "sse"
    wire_order = 30

    form: Literal["no_space", "extra_space", "held_open"] = "no_space"
    seconds: float = field(default=30.0, metadata={"min": 0, "max": 86_400})

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        new = _FORMS.get(self.form)
        if new is None:
            return frames
        return [
            replace(f, data=new + f.data[len(_DONE):]) if f.data.startswith(_DONE) else f
            for f in frames
        ]

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        if self.form != "held_open" or not ctx.streaming:
            return ops
        out = list(ops)
        if out and isinstance(out[-1], Close) and out[-1].mode == "clean":
            out[-1] = Close("hold", seconds=self.seconds)
        return out
