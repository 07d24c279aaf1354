"""compile_plan: scenario + request + seed -> WirePlan, purely (no I/O, no clock, no globals).

    Response ──resolve──► Content ──render──► Draft(events | body)
        on_draft ─► on_payload ─► serialize ─► on_events ─► encode ─► on_frames
        ─► schedule (timing) ─► on_wire ─► WirePlan

Same inputs, same bytes: ids, `created`, jitter and every fault's choices come from `seed`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mockserver.core import cors
from mockserver.core.content import resolve
from mockserver.core.events import Event, Frame, Replay, dumps, encode, hydrate, serialize
from mockserver.core.formats import (
    FORMATS,
    default_error_code,
    default_error_message,
    default_error_type,
)
from mockserver.core.ids import Ids, rng_for
from mockserver.core.plan import Close, LazyOps, Op, Sleep, Start, WirePlan, Write
from mockserver.core.request import RequestView
from mockserver.core.scenario import ErrorReply, Response, Timing
from mockserver.faults.base import Draft, Fault, FaultContext
from mockserver.sse.encoder import encode_event

__all__ = ["compile_plan", "compile_json", "compile_error", "schedule", "base_headers"]


def base_headers(ids: Ids, content_type: str, *, error: bool = False) -> list[tuple[str, str]]:
    """The real API's response headers (errors are leaner: no openai-* or rate-limit headers)."""
    headers = [("content-type", content_type), ("x-request-id", ids.request_id())]
    if error:
        return headers
    processing = 40 + rng_for(ids.seed, "processing").randrange(0, 400)
    return headers + [
        ("openai-organization", "user-mockserver"),
        ("openai-processing-ms", str(processing)),
        ("openai-project", "proj_mockserver"),
        ("openai-version", "2020-10-01"),
        ("x-ratelimit-limit-requests", "10000"),
        ("x-ratelimit-limit-tokens", "50000000"),
        ("x-ratelimit-remaining-requests", "9999"),
        ("x-ratelimit-remaining-tokens", "49999975"),
        ("x-ratelimit-reset-requests", "6ms"),
        ("x-ratelimit-reset-tokens", "0s"),
    ]


def schedule(frames: Iterable[Frame], timing: Timing | None, seed: int) -> list[Op]:
    """Writes with pauses: first-token latency before the first frame, chunk gaps between."""
    return list(schedule_iter(frames, timing, seed))


def schedule_iter(frames: Iterable[Frame], timing: Timing | None, seed: int) -> Iterator[Op]:
    """The lazy form of `schedule`, for fault-free streams played as they are rendered."""
    count = 0
    if timing is None or timing.is_zero:
        for frame in frames:
            if frame.counted:
                count += 1
            yield Write(frame.data, count)
        return
    rng = rng_for(seed, "timing")
    for i, frame in enumerate(frames):
        base = timing.first_token_ms if i == 0 else timing.chunk_ms
        jitter = rng.uniform(-timing.jitter_ms, timing.jitter_ms) if timing.jitter_ms else 0.0
        delay = max(0.0, base + jitter)
        if delay:
            yield Sleep(delay / 1000.0)
        if frame.counted:
            count += 1
        yield Write(frame.data, count)


def _ctx(
    request: RequestView, fmt: str, seed: int, index: int, fault: Fault, streaming: bool
) -> FaultContext:
    return FaultContext(
        request=request,
        fmt=fmt,
        seed=seed,
        rng=rng_for(seed, f"fault:{index}:{fault.name}"),
        streaming=streaming,
    )


def compile_error(error: ErrorReply, request: RequestView, seed: int) -> Draft:
    """The draft of an HTTP error answer in the route's own error shape."""
    ids = Ids(seed)
    fmt = FORMATS.get(request.api, FORMATS["chat"])
    body = fmt.error_body(
        error.status,
        error.message or default_error_message(error.status),
        error.type or default_error_type(error.status),
        error.code if error.code is not None else default_error_code(error.status),
        error.param,
        ids.request_id(),
    )
    headers = fmt.adapt_headers(
        base_headers(ids, "application/json; charset=utf-8", error=True), error=True
    )
    draft = Draft(status=error.status, headers=headers, body=dumps(body).encode(), fmt=request.api)
    for name, value in error.headers:
        draft.set_header(name, value)
    return draft


def compile_json(body: Any, *, status: int = 200, seed: int = 0, api: str = "json") -> Draft:
    """The draft of a plain JSON answer (models, embeddings, non-stream completions)."""
    ids = Ids(seed)
    headers = base_headers(ids, "application/json")
    if api in FORMATS:
        headers = FORMATS[api].adapt_headers(headers)
    return Draft(
        status=status,
        headers=headers,
        body=dumps(body).encode(),
        fmt=api,
    )


def _draft(response: Response, request: RequestView, seed: int, model: str) -> Draft:
    if response.error is not None:
        return compile_error(response.error, request, seed)
    fmt = FORMATS[request.api]
    content = resolve(response, request, seed)
    if request.stream:
        ids = Ids(seed)
        headers = fmt.adapt_headers(base_headers(ids, fmt.stream_content_type))
        frames = fmt.frames
        events = Replay(lambda: fmt.events(content, request, seed, model),
                        None if frames is None else lambda: frames(content, request, seed, model))
        return Draft(200, headers, events=events, fmt=request.api, content=content, model=model)
    return compile_json(fmt.body(content, request, seed, model), seed=seed, api=request.api)


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
    contexts = [_ctx(request, draft.fmt, seed, i, f, streaming) for i, f in enumerate(faults)]
    pairs = list(zip(faults, contexts, strict=False))
    for fault, ctx in pairs:
        draft = fault.on_draft(draft, ctx)
    policy = cors.DEFAULT_POLICY
    for fault, ctx in pairs:
        policy = fault.on_cors(policy, ctx)
    headers = list(draft.headers) + cors.headers_for(origin, policy, status=draft.status)
    faults_spec = tuple(f.spec() for f in faults)
    if draft.events is not None and not pairs:
        return WirePlan(
            ops=_lazy_stream(draft.events, Start(draft.status, tuple(headers)), timing, seed),
            scenario=scenario, faults=faults_spec, streaming=True,
        )
    if draft.events is not None:
        events = [hydrate(e) for e in draft.events]
        for fault, ctx in pairs:
            events = fault.on_payload(events, ctx)
        events = [serialize(e) for e in events]
        for fault, ctx in pairs:
            events = fault.on_events(events, ctx)
        frames = [encode(e) for e in events]
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


def _writes(events: Iterable[Event]) -> Iterator[bytes]:
    """`encode(serialize(e)).data` of each event, in one loop (no Frame in between)."""
    for event in events:
        if event.data is None:
            event = serialize(event)
        # encode_event has the one-data-line fast path
        yield encode_event(event.data, event=event.event, id=event.id, retry=event.retry)


def _lazy_stream(
    events: Iterable[Event], start: Start, timing: Timing | None, seed: int
) -> LazyOps:
    """A fault-free stream: rendered, encoded and scheduled while it is played. Without
    pauses its body is only writes, one per event: `LazyOps.payloads` gives their bytes
    (from the format's fast renderer when it has one) for the player's hot loop."""

    sleeps = timing is not None and not timing.is_zero
    fast = getattr(events, "frames", None)

    def payloads() -> Iterable[bytes]:
        return fast() if fast is not None else _writes(events)

    def body() -> Iterator[Op]:
        if sleeps:
            return schedule_iter((encode(serialize(e)) for e in events), timing, seed)
        return (Write(data, count) for count, data in enumerate(payloads(), 1))
    return LazyOps((start,), body, (Close("clean"),), sleeps=sleeps,
                   payloads=None if sleeps else payloads)
