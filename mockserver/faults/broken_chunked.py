"""broken_chunked: the chunked transfer framing breaks mid-body."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.plan import Close, Op, Start, Write
from mockserver.faults.base import Fault, FaultContext

__all__ = ["BrokenChunked", "BAD_CHUNK"]

#: a chunk-size line that is not hexadecimal (WireMock MALFORMED_RESPONSE_CHUNK)
BAD_CHUNK = b"zz\r\nnot a chunk\r\n"


@dataclass(frozen=True)
class BrokenChunked(Fault):
    """After `after` events the chunked framing breaks (a chunk-size line `zz`) and the connection
    closes: any HTTP/1.1 client raises a protocol error after the events already read.
    """

    name = "broken_chunked"
    layer = "tcp"
    wire_order = 30
    example = "broken_chunked(after=2)"

    after: int = field(default=1, metadata={"min": 0})

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        if ctx.state.get("broken"):
            return []  # a live stream after the break
        out: list[Op] = []
        count = ctx.state.get("count", 0)
        head = ctx.state.get("head", False)
        end = ctx.final
        for op in ops:
            if isinstance(op, Close) or (isinstance(op, Write) and count >= self.after):
                end = True
                break
            if isinstance(op, Start):
                # chunked framing needs a body without content-length
                op = Start(op.status, tuple(h for h in op.headers if h[0] != "content-length"))
                head = True
            out.append(op)
            if isinstance(op, Write):
                count = op.events
        ctx.state.update(count=count, head=head)
        if not end:
            return out
        if not head:
            return ops
        ctx.state["broken"] = True
        return out + [Write(BAD_CHUNK, events=count, raw=True), Close("abrupt")]
