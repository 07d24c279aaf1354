"""LiveStream: compile_plan for an answer that arrives over time (the upstream proxy).

    upstream head ─► LiveStream(request, Draft(status, headers), faults=...).start() ─► [Start]
    frames as they arrive (core/live_frames.py) ─► .feed(frames) ─► ops to play now
    end of the upstream body ─► .finish(cut=...) ─► the last ops, ending with Close

The stages are compile_plan's, with the same faults, contexts and seeds:

    on_draft, on_cors (once, on the upstream's head)
    per piece:  hydrate ─► on_payload ─► serialize ─► on_events ─► encode ─► on_frames
                ─► Write per frame (counted like a script's) ─► on_wire

Each hook is called once per piece of the stream (faults/base.py: `ctx.offset`, `ctx.final`,
`ctx.state`), and the pieces' outputs joined are what the hook gives for the whole list, so
`close(after=2)` cuts after the upstream's second event and `malformed_json(at=3)` breaks its
third as they pass, exactly as on a script (tests/core/test_live_pieces.py). An event no fault
changed keeps the upstream's exact bytes; bytes that are not events (comments, keep-alives)
go on as uncounted frames, in place. The pace is the upstream's: a live stream has no Sleep
ops but those its faults add (stall, drip, split's gaps, keepalive).

Faults that need the whole answer (`Fault.needs_whole_stream`) are not played here: the proxy
buffers such a stream and compiles it like a script (`compile_plan(draft=...)`). As in
compile_plan, a fault that does not act on the stream's framing (`Fault.framings`: an SSE
fault on NDJSON lines, an event-stream fault on SSE) is left out; the framing is the body's
as it arrives (the framer's), else the format's.

Pure, like the rest of the core: no I/O, no clock; the transport feeds it and plays its ops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mockserver.core import cors
from mockserver.core.compile import acts_on, encoder_for, fault_context, framing_of
from mockserver.core.draft import Draft
from mockserver.core.events import Event, Frame, hydrate, serialize
from mockserver.core.formats.base import sse_bytes
from mockserver.core.live_frames import LiveFrame
from mockserver.core.plan import Close, Op, Start, Write
from mockserver.core.request import RequestView
from mockserver.faults.base import Fault, FaultContext

__all__ = ["LiveStream", "replaced_answer"]

_HOOKS = {"payload": "on_payload", "events": "on_events", "frames": "on_frames"}


def replaced_answer(request: RequestView, fmt: str, faults: Sequence[Fault], seed: int
                    ) -> Draft | None:
    """The answer when a fault replaces the upstream's altogether (`status`): its draft, so the
    proxy answers without calling the upstream; None when the upstream's answer is needed."""
    placeholder = Draft(200, [], events=(), fmt=fmt)
    draft = placeholder
    for i, fault in enumerate(faults):
        draft = fault.on_draft(draft, fault_context(request, fmt, seed, i, fault, True))
    return None if draft is placeholder else draft


def _encoder(fmt: str) -> Callable[[Event], bytes]:
    try:
        return encoder_for(fmt)
    except (KeyError, ValueError):
        return sse_bytes  # a route without a registered stream format: SSE, as the proxy reads it


class LiveStream:
    """One live answer, compiled piece by piece. `stopped` says when to stop reading the
    upstream: a fault ended the answer (a cut, or `error_event`); `closed` when the last op
    (Close) has been produced."""

    def __init__(
        self, request: RequestView, head: Draft, *, faults: Sequence[Fault] = (), seed: int = 0,
        origin: str | None = None, encode: Callable[[Event], bytes] | None = None,
        framing: str | None = None,
    ) -> None:
        self.head = head
        self.origin = origin
        self.faults = tuple(faults)
        framing = framing or framing_of(head.fmt)
        self.pairs: list[tuple[Fault, FaultContext]] = [
            (f, fault_context(request, head.fmt, seed, i, f, True)) for i, f in enumerate(faults)
            if acts_on(f, framing)
        ]
        self.wire = sorted(self.pairs, key=lambda p: p[0].wire_order)
        self._hydrate = any(type(f).on_payload is not Fault.on_payload for f, _ in self.pairs)
        # how a changed event is written back: the body's own framing (the framer's), else
        # the format's
        self._encode = encode or _encoder(head.fmt)
        self._seen: dict[tuple[int, str], int] = {}  # events given to each (fault, stage) hook
        self.count = 0  # counted frames so far: `Write.events`
        self.closed = False

    @property
    def stopped(self) -> bool:
        return self.closed or any(ctx.ended for _, ctx in self.pairs)

    def start(self) -> list[Op]:
        """The response head: the upstream's, through on_draft and on_cors (CORS is ours), with
        `x-mock-fault` naming the faults; then on_wire (slow_headers, empty_reply, silent)."""
        draft = self.head
        for fault, ctx in self.pairs:
            draft = fault.on_draft(draft, ctx)
        policy = cors.DEFAULT_POLICY
        for fault, ctx in self.pairs:
            policy = fault.on_cors(policy, ctx)
        headers = list(draft.headers) + cors.headers_for(self.origin, policy, status=draft.status)
        if self.faults:
            headers.append(("x-mock-fault", "; ".join(f.spec() for f in self.faults)))
        return self._wire([Start(draft.status, tuple(headers))], final=False)

    def feed(self, frames: Sequence[LiveFrame]) -> list[Op]:
        """The ops for frames that just arrived (empty when the answer already ended)."""
        if self.closed or not frames:
            return []
        return self._wire(self._writes(self._frames(frames, final=False)), final=False)

    def finish(self, *, cut: bool = False) -> list[Op]:
        """The last ops: what the faults still held, then the end, `Close("abrupt")` when the
        upstream cut its own stream (passed on as a cut) or `Close("clean")`."""
        if self.closed:
            return []
        ops = self._writes(self._frames([], final=True))
        return self._wire(ops + [Close("abrupt" if cut else "clean")], final=True)

    # -- stages ----------------------------------------------------------------------------
    def _stage(self, stage: str, items: list[Any], final: bool) -> list[Any]:
        hook = _HOOKS[stage]
        for i, (fault, ctx) in enumerate(self.pairs):
            key = (i, stage)
            ctx.offset, ctx.final = self._seen.get(key, 0), final
            given = sum(1 for f in items if f.counted) if stage == "frames" else len(items)
            items = getattr(fault, hook)(items, ctx)
            self._seen[key] = ctx.offset + given
        return items

    def _events(self, frames: list[LiveFrame], final: bool) -> list[Frame]:
        """Events through on_payload and on_events; unchanged ones keep their upstream bytes."""
        if not frames and not final:
            return []
        events = [f.event for f in frames if f.event is not None]
        if self._hydrate:
            events = [hydrate(e) for e in events]
        kept = events  # alive until the end of this call, so no id() below is reused
        raw = {id(e): f.data for e, f in zip(events, frames, strict=True)}
        if self.pairs:
            events = self._stage("payload", events, final)
            events = self._stage("events", [serialize(e) for e in events], final)
        out = [Frame(raw.get(id(e)) or self._encode(serialize(e))) for e in events]
        del kept
        return out

    def _frames(self, frames: Sequence[LiveFrame], final: bool) -> list[Frame]:
        out: list[Frame] = []
        run: list[LiveFrame] = []
        for frame in frames:
            if frame.event is None:  # not an event: in place, uncounted, past the event hooks
                out += self._events(run, final=False)
                run = []
                out.append(Frame(frame.data, counted=False))
            else:
                run.append(frame)
        out += self._events(run, final=final)
        return self._stage("frames", out, final) if self.pairs else out

    def _writes(self, frames: list[Frame]) -> list[Op]:
        ops: list[Op] = []
        for frame in frames:
            if frame.counted:
                self.count += 1
            ops.append(Write(frame.data, self.count))
        return ops

    def _wire(self, ops: list[Op], final: bool) -> list[Op]:
        for fault, ctx in self.wire:
            ctx.offset, ctx.final = 0, final
            ops = fault.on_wire(ops, ctx)
        for i, op in enumerate(ops):
            if isinstance(op, Close):
                self.closed = True
                return ops[: i + 1]
        return ops
