"""compile_plan: scenario + request + seed -> WirePlan, purely (no I/O, no clock, no globals).

    Response ──resolve──► Content ──render──► Draft(events | body)
        on_draft ─► on_payload ─► serialize ─► on_events ─► encode ─► on_frames
        ─► schedule (timing) ─► on_wire ─► WirePlan

Same inputs, same bytes: ids, `created`, jitter and every fault's choices come from `seed`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from mockserver.core import cors
from mockserver.core.content import resolve
from mockserver.core.draft import Draft
from mockserver.core.events import Event, Frame, Replay, hydrate, serialize
from mockserver.core.formats import FORMATS, base_headers, compile_error, compile_json
from mockserver.core.ids import Ids, rng_for
from mockserver.core.plan import (
    Close,
    LazyOps,
    Op,
    Start,
    Timing,
    WirePlan,
    Write,
    schedule,
    schedule_iter,
)
from mockserver.core.request import RequestView
from mockserver.core.response import Response
from mockserver.faults.base import Fault, FaultContext

__all__ = ["compile_plan", "fault_context", "encoder_for", "acts_on", "framing_of"]


def fault_context(
    request: RequestView, fmt: str, seed: int, index: int, fault: Fault, streaming: bool
) -> FaultContext:
    """The context of the `index`-th fault of an answer: its own seeded random stream."""
    return FaultContext(
        request=request,
        fmt=fmt,
        seed=seed,
        rng=rng_for(seed, f"fault:{index}:{fault.name}"),
        streaming=streaming,
    )


def _draft(response: Response, request: RequestView, seed: int, model: str) -> Draft:
    draft = _rendered(response, request, seed, model)
    for name, value in response.headers:
        draft.set_header(name, value)
    return draft


def _rendered(response: Response, request: RequestView, seed: int, model: str) -> Draft:
    if response.error is not None:
        return compile_error(response.error, request, seed)
    fmt = FORMATS[request.api]
    render = fmt.renderer
    content = resolve(response, request, seed)
    if request.stream and render.events is not None:
        events_of = render.events
        ids = Ids(seed)
        headers = render.adapt_headers(base_headers(ids, fmt.stream_content_type))
        events = Replay(lambda: events_of(content, request, seed, model))
        return Draft(200, headers, events=events, fmt=request.api, content=content, model=model)
    if render.body is None:
        raise ValueError(f"format {fmt.name!r} renders no scripted answer")
    return compile_json(render.body(content, request, seed, model), seed=seed, api=request.api)


def compile_plan(
    request: RequestView,
    *,
    response: Response | None = None,
    draft: Draft | None = None,
    seed: int = 0,
    timing: Timing | None = None,
    faults: Sequence[Fault] = (),
    model: str | None = None,
    origin: str | None = None,
    scenario: str | None = None,
) -> WirePlan:
    """Compile one answer to a WirePlan. Give `response` (scripted) or a ready `draft`."""
    if draft is None:
        draft = _draft(response or Response(), request, seed, model or request.model or "")
    streaming = draft.events is not None
    contexts = [fault_context(request, draft.fmt, seed, i, f, streaming)
                for i, f in enumerate(faults)]
    pairs = [(f, ctx) for f, ctx in zip(faults, contexts, strict=False)
             if not streaming or acts_on(f, framing_of(draft.fmt))]
    for fault, ctx in pairs:
        draft = fault.on_draft(draft, ctx)
    policy = cors.DEFAULT_POLICY
    for fault, ctx in pairs:
        policy = fault.on_cors(policy, ctx)
    headers = list(draft.headers) + cors.headers_for(origin, policy, status=draft.status)
    faults_spec = tuple(f.spec() for f in faults)
    if draft.events is not None and not pairs:
        start = Start(draft.status, tuple(headers))
        return WirePlan(
            ops=_lazy_stream(draft.events, encoder_for(draft.fmt), start, timing, seed),
            scenario=scenario, faults=faults_spec, streaming=True,
        )
    if draft.events is not None:
        events = [hydrate(e) for e in draft.events]
        for fault, ctx in pairs:
            events = fault.on_payload(events, ctx)
        events = [serialize(e) for e in events]
        for fault, ctx in pairs:
            events = fault.on_events(events, ctx)
        encode = encoder_for(draft.fmt)
        frames = [Frame(encode(e)) for e in events]
        for fault, ctx in pairs:
            frames = fault.on_frames(frames, ctx)
        ops: list[Op] = [Start(draft.status, tuple(headers))]
        ops += schedule(frames, timing, seed)
    else:
        body = draft.body or b""
        headers.append(("content-length", str(len(body))))
        ops = [Start(draft.status, tuple(headers))]
        if body:
            ops.append(Write(body, events=0))
    ops.append(Close("clean"))
    for fault, ctx in sorted(pairs, key=lambda p: p[0].wire_order):
        ops = fault.on_wire(ops, ctx)
    return WirePlan(ops=tuple(ops), scenario=scenario, faults=faults_spec, streaming=streaming)


def framing_of(fmt: str) -> str:
    """The name of format `fmt`'s stream framing (`sse`, `ndjson`, `aws_eventstream`); SSE
    for a route no format knows (what the proxy reads such a stream as)."""
    return FORMATS[fmt].framing.name if fmt in FORMATS else "sse"


def acts_on(fault: Fault, framing: str) -> bool:
    """Whether a fault acts on a stream of this framing (`Fault.applies_to` names its
    framings): an SSE fault leaves a binary event stream or NDJSON alone, as the catalogue
    says, instead of writing SSE syntax into it."""
    return framing in type(fault).applies_to()


def encoder_for(fmt: str) -> Callable[[Event], bytes]:
    """How the stream's format frames one event (`Framing.encode`: SSE, NDJSON, ...)."""
    encode = FORMATS[fmt].framing.encode
    if encode is None:
        raise ValueError(f"format {fmt!r} has no stream framing")
    return encode


def _writes(events: Iterable[Event], encode: Callable[[Event], bytes]) -> Iterator[Op]:
    """`schedule_iter(Frame(encode(serialize(e))) ...)` without pauses, in one loop: the hot
    path of a fault-free stream (one generator frame per event instead of four)."""
    count = 0
    for event in events:
        if event.data is None:
            event = serialize(event)
        count += 1
        yield Write(encode(event), count)


def _lazy_stream(
    events: Iterable[Event], encode: Callable[[Event], bytes], start: Start,
    timing: Timing | None, seed: int,
) -> LazyOps:
    """A fault-free stream: rendered, encoded and scheduled while it is played."""

    sleeps = timing is not None and not timing.is_zero

    def body() -> Iterator[Op]:
        frames = (Frame(encode(serialize(e))) for e in events)
        return schedule_iter(frames, timing, seed) if sleeps else _writes(events, encode)
    return LazyOps((start,), body, (Close("clean"),), sleeps=sleeps)
