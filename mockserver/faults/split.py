"""split: the body reaches the client in different pieces than one write per event."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from mockserver.core.formats import FORMATS
from mockserver.core.plan import Op, Sleep, Write
from mockserver.faults.base import STREAM_FRAMINGS, Fault, FaultContext

__all__ = ["Split", "cut_points"]

Mode = Literal["every_byte", "bytes", "inside_data", "between_cr_lf", "inside_utf8", "random"]


def _inside_data(data: bytes) -> set[int]:
    """The middle of the value of each `data:` line (one cut per line)."""
    cuts: set[int] = set()
    pos = data.find(b"data:")
    while pos >= 0:
        value = pos + 5 + (1 if data[pos + 5 : pos + 6] == b" " else 0)
        ends = [e for e in (data.find(b"\n", value), data.find(b"\r", value)) if e >= 0]
        end = min(ends) if ends else len(data)
        if end - value >= 2:
            cuts.add(value + (end - value) // 2)
        pos = data.find(b"data:", end)
    return cuts


def _inside_lines(data: bytes) -> set[int]:
    """The middle of each line (NDJSON: one JSON document per line)."""
    cuts: set[int] = set()
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start >= 2:
            cuts.add(start + (end - start) // 2)
        start = end + 1
    return cuts


def _inside_utf8(data: bytes, rng: random.Random) -> set[int]:
    """One seeded cut inside every multi-byte UTF-8 sequence (4-byte ones as 1/3, 2/2 or 3/1)."""
    cuts: set[int] = set()
    i = 0
    while i < len(data):
        byte = data[i]
        size = 4 if byte >= 0xF0 else 3 if byte >= 0xE0 else 2 if byte >= 0xC0 else 1
        if size > 1 and i + size <= len(data):
            cuts.add(i + rng.randrange(1, size))
        i += size
    return cuts


def cut_points(data: bytes, mode: str, size: int, rng: random.Random, keep: list[int]) -> list[int]:
    """Offsets (0 < p < len) at which a run of body bytes is cut. `keep` are the original write
    boundaries, kept by the modes that add cuts rather than re-cut (inside_*, between_cr_lf)."""
    n = len(data)
    if mode == "every_byte":
        cuts = set(range(1, n))
    elif mode == "bytes":
        cuts = set(range(size, n, size))
    elif mode == "random":
        cuts, pos = set(), 0
        while True:
            pos += rng.randint(1, size)
            if pos >= n:
                break
            cuts.add(pos)
    else:
        cuts = set(keep)
        if mode == "inside_data":
            cuts |= _inside_data(data)
        elif mode == "inside_lines":
            cuts |= _inside_lines(data)
        elif mode == "between_cr_lf":
            cuts |= {i + 1 for i in range(n - 1) if data[i : i + 2] == b"\r\n"}
        else:
            cuts |= _inside_utf8(data, rng)
    return sorted(p for p in cuts if 0 < p < n)


@dataclass(frozen=True)
class Split(Fault):
    """Events reach the client cut into several writes (each flushed, with `gap_ms` between them so
    they arrive as separate reads): inside a `data:` line, between CR and LF, inside a UTF-8
    character, every byte, every `size` bytes or at seeded places. A parser that buffers across
    reads sees the same events (SSE-06, SSE-22, SSE-26, SSE-27); one that parses each read on its
    own breaks.

    every_byte     every byte its own write
    bytes          pieces of `size` bytes, ignoring event boundaries
    random         seeded pieces of 1..`size` bytes, ignoring event boundaries
    inside_data    each event cut in the middle of each `data:` value (NDJSON: of each line)
    between_cr_lf  cut between every CR and LF; implies CRLF line endings (a plan written with
                   LF is rewritten to CRLF first, so the cut exists)
    inside_utf8    cut inside every multi-byte UTF-8 character (needs non-ASCII text)
    Pauses of the plan stay where they are; consecutive writes between two pauses are re-cut
    as one run (on a live stream, what arrived together), and each piece counts the events it
    completes. `gap_ms` is a minimum spacing
    (`Sleep(since="write")`): each piece leaves at least `gap_ms` after the previous one went
    out, even when an earlier wake-up was late; the plan's pacing absorbs the difference.
    """

    name = "split"
    layer = "sse"
    framings = STREAM_FRAMINGS  # cuts or joins any framing's bytes
    wire_order = 10

    mode: Mode = "every_byte"
    size: int = field(default=8, metadata={"min": 1, "max": 1 << 20})
    gap_ms: float = field(default=0.0, metadata={"min": 0, "max": 60_000})

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        out: list[Op] = []
        run: list[Write] = []
        before = ctx.state.get("before", 0)
        # a live piece that ended inside a run: the run goes on, gap first
        going_on = ctx.state.get("open", False)
        for op in ops:
            if isinstance(op, Write) and not op.raw and op.data:
                run.append(op)
                continue
            out += self._recut(run, before, ctx, going_on)
            going_on = False
            if run:
                before = run[-1].events
            run = []
            if isinstance(op, Write):
                before = op.events
            out.append(op)
        out += self._recut(run, before, ctx, going_on)
        ctx.state.update(before=run[-1].events if run else before, open=bool(run) or going_on)
        return out

    def _recut(self, run: list[Write], before: int, ctx: FaultContext, going_on: bool
               ) -> list[Op]:
        if not run:
            return []
        if self.mode == "between_cr_lf" and not any(b"\r\n" in w.data for w in run):
            run = [Write(w.data.replace(b"\n", b"\r\n"), events=w.events) for w in run]
        data = b"".join(w.data for w in run)
        ends, pos = [], 0
        for w in run:
            pos += len(w.data)
            ends.append((pos, w.events))
        mode: str = self.mode
        fmt = FORMATS.get(ctx.fmt)
        if mode == "inside_data" and fmt is not None and fmt.framing.name == "ndjson":
            mode = "inside_lines"  # NDJSON has no `data:` lines: cut each JSON line instead
        cuts = cut_points(data, mode, self.size, ctx.rng, [e for e, _ in ends[:-1]])
        out: list[Op] = []
        start, events = 0, before
        for end in cuts + [len(data)]:
            while ends and ends[0][0] <= end:
                events = ends.pop(0)[1]
            if (out or going_on) and self.gap_ms:
                out.append(Sleep(self.gap_ms / 1000.0, since="write"))
            out.append(Write(data[start:end], events=events))
            start = end
        return out
