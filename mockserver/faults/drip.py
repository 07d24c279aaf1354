"""drip: the whole response trickles out at a fixed byte rate."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.plan import Op, Sleep, Write
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Drip"]


@dataclass(frozen=True)
class Drip(Fault):
    """The body arrives `bytes_per_s` bytes per second in small writes (WireMock's chunked dribble,
    Toxiproxy's bandwidth): a correct parser yields the same events as at full speed, only later;
    per-read timeouts never fire, so only a total deadline bounds the request.

    Writes are re-cut into pieces of `piece` bytes (0: about 50 pieces a second, at least one
    byte), each paced by a sleep of `len(piece) / bytes_per_s`.
    """

    name = "drip"
    layer = "http"
    wire_order = 10
    example = "drip(bytes_per_s=200)"

    bytes_per_s: float = field(default=64.0, metadata={"min": 1, "max": 1e9})
    piece: int = field(default=0, metadata={"min": 0, "max": 1 << 20})

    def _size(self) -> int:
        return self.piece or max(1, int(self.bytes_per_s // 50))

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        size = self._size()
        out: list[Op] = []
        count = ctx.state.get("count", 0)
        first = ctx.state.get("first", True)
        for op in ops:
            if not isinstance(op, Write) or op.raw or not op.data:
                out.append(op)
                if isinstance(op, Write):
                    count = op.events
                continue
            data = op.data
            for start in range(0, len(data), size):
                chunk = data[start : start + size]
                if not first:
                    out.append(Sleep(len(chunk) / self.bytes_per_s))
                first = False
                last = start + size >= len(data)
                out.append(Write(chunk, events=op.events if last else count))
            count = op.events
        ctx.state.update(count=count, first=first)
        return out
