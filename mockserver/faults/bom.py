"""bom: a UTF-8 byte order mark before the first byte of the body."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mockserver.core.events import Frame
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Bom", "BOM"]

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Bom(Fault):
    """The first event is silently lost by openai-python and httpx-sse: the body starts with
    `EF BB BF`, which they do not strip, so the first field name reads `\\ufeffdata` and is
    ignored (SSE-01). With the chat format the role chunk disappears and the content still
    arrives. A conforming parser strips exactly one leading BOM and loses nothing.
    """

    name = "bom"
    layer = "sse"

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        if not frames:
            return [Frame(BOM, counted=False)]
        return [replace(frames[0], data=BOM + frames[0].data)] + list(frames[1:])
