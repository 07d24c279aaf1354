"""line_endings: every SSE line ends with CRLF, CR, or a seeded mix of LF, CRLF and CR."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Literal

from mockserver.core.events import Frame
from mockserver.faults.base import Fault, FaultContext

__all__ = ["LineEndings", "rewrite_eols"]

_EOL = {"crlf": b"\r\n", "cr": b"\r"}
_MIX = (b"\n", b"\r\n", b"\r")


def rewrite_eols(
    data: bytes, style: str, rng: random.Random, prev: bytes = b""
) -> tuple[bytes, bytes]:
    """Rewrite the LF terminators of `data`; returns the bytes and the last terminator used.

    In `mixed`, a CR is never followed by an empty line ending in LF: `\\r` + `\\n` would read
    as one CRLF terminator and swallow the blank line that dispatches the event.
    """
    if style in _EOL:
        return data.replace(b"\n", _EOL[style]), _EOL[style]
    lines = data.split(b"\n")
    out = bytearray()
    for line in lines[:-1]:
        eol = rng.choice(_MIX)
        if prev == b"\r" and not line and eol == b"\n":
            eol = b"\r\n"
        out += line + eol
        prev = eol
    out += lines[-1]
    return bytes(out), prev


@dataclass(frozen=True)
class LineEndings(Fault):
    """Lines end with CRLF (`crlf`, sse-starlette's default), bare CR (`cr`) or a seeded mix of LF,
    CRLF and CR (`mixed`): all spec-valid (WHATWG R2), so a conforming parser delivers the same
    events; a client that splits on `\\n\\n` only sees nothing (CRLF) or one endless line (CR),
    SSE-04/05/07.
    """

    name = "line_endings"
    layer = "sse"

    style: Literal["crlf", "cr", "mixed"] = "crlf"

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        out, prev = [], ctx.state.get("prev", b"")
        for frame in frames:
            data, prev = rewrite_eols(frame.data, self.style, ctx.rng, prev)
            out.append(replace(frame, data=data))
        ctx.state["prev"] = prev
        return out
