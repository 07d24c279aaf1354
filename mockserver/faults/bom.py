"""bom: a UTF-8 byte order mark before the first byte of the body."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mockserver.core.events import Frame
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Bom", "BOM"]

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Bom(Fault):
    """The body starts with a UTF-8 byte order mark (`EF BB BF`) before the first `data:` line. A
    conforming SSE parser strips exactly one leading BOM and loses nothing; one that does not reads
    the first field name as `\\ufeffdata`, ignores that line and so loses the first event (SSE-01;
    with the chat format that is the role chunk, so the text still arrives).
    """

    name = "bom"
    layer = "sse"

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        if ctx.state.get("sent") or not (frames or ctx.final):
            return frames
        ctx.state["sent"] = True
        if not frames:
            return [Frame(BOM, counted=False)]
        return [replace(frames[0], data=BOM + frames[0].data)] + list(frames[1:])
