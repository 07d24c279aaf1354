"""stall: the stream goes silent mid-way (optionally with keep-alive comments), then goes on."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.formats import FORMATS
from mockserver.core.plan import Close, Op, Sleep, Write
from mockserver.errors import FaultSpecError
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Stall", "KEEPALIVE"]

KEEPALIVE = b": keep-alive\n\n"
_MAX_KEEPALIVES = 100_000


@dataclass(frozen=True)
class Stall(Fault):
    """After `after` events the server sends nothing for `seconds` with the socket open, then
    carries on: a client with a read timeout shorter than `seconds` raises a timeout; one whose
    timeout stops at the headers, or that has none, waits. With `keepalive_ms`, `: keep-alive`
    comments every `keepalive_ms` keep resetting byte timers, so only a "no event for N s" deadline
    notices.

    `after=0` stalls right after the headers (headers, then nothing). Keep-alive comments are SSE
    syntax: on other stream framings (a binary event stream, NDJSON) the stall is plain silence.
    """

    name = "stall"
    layer = "http"
    example = "stall(after=2, seconds=30)"

    after: int = field(default=1, metadata={"min": 0})
    seconds: float = field(default=30.0, metadata={"min": 0, "max": 86_400})
    keepalive_ms: float = field(default=0.0, metadata={"min": 0})

    def validate(self) -> None:
        if self.keepalive_ms and self.seconds * 1000 / self.keepalive_ms > _MAX_KEEPALIVES:
            raise FaultSpecError(
                f"{self.name}: seconds / keepalive_ms gives more than {_MAX_KEEPALIVES} "
                f"keep-alives; raise 'keepalive_ms' or lower 'seconds'"
            )

    def _silence(self, count: int, ctx: FaultContext) -> list[Op]:
        fmt = FORMATS.get(ctx.fmt)
        if not self.keepalive_ms or (fmt is not None and fmt.framing.name not in ("sse", "json")):
            return [Sleep(self.seconds)]
        ops: list[Op] = []
        step = self.keepalive_ms / 1000.0
        left = self.seconds
        while left >= step:
            ops += [Sleep(step), Write(KEEPALIVE, events=count)]
            left -= step
        if left > 1e-9:
            ops.append(Sleep(left))
        return ops

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        out: list[Op] = []
        count, done = ctx.state.get("count", 0), ctx.state.get("done", False)
        started = ctx.state.get("started", False)
        for op in ops:
            if not done and self.after == 0 and isinstance(op, (Write, Close)) and (
                    out or started):
                out += self._silence(count, ctx)
                done = True
            out.append(op)
            if isinstance(op, Write):
                count = op.events
                if not done and self.after and count >= self.after:
                    out += self._silence(count, ctx)
                    done = True
        ctx.state.update(count=count, done=done, started=started or bool(out))
        return out
