"""A live stream compiled piece by piece gives the script's plan, for every fault (SPEC 10:
faults apply to the live stream "exactly as to a scripted one").

The scripted answer of each format is rendered, encoded and handed to `LiveStream` as an
upstream would deliver it, in seeded random pieces; the ops that come out, joined, must be
the ops `compile_plan` gives for the same events. Parametrized over the whole registry (so a
fault added later is covered), with extra parameter variants for the positional ones, on the
OpenAI and Anthropic routes and on every provider's framing (Gemini's CRLF SSE, Ollama's
NDJSON lines, Cohere's typed SSE, Bedrock's binary event stream, Azure's chat): a fault that
does not act on a framing must leave it alone live too. Pure: no sockets.
"""

from __future__ import annotations

import random

import pytest

from mockserver.core.compile import compile_plan
from mockserver.core.content import resolve
from mockserver.core.draft import Draft
from mockserver.core.events import Event, serialize
from mockserver.core.formats import FORMATS, base_headers, view_for
from mockserver.core.ids import Ids
from mockserver.core.live import LiveStream, replaced_answer
from mockserver.core.live_frames import LiveFrame
from mockserver.core.plan import Close, Op, Start, Write
from mockserver.core.request import RequestView
from mockserver.core.scenario import Response, ToolCall
from mockserver.faults import Fault, parse_faults, registry

HI = [{"role": "user", "content": "hi"}]
BODIES = {
    "chat": ("/v1/chat/completions", {"model": "gpt-4.1", "stream": True,
             "stream_options": {"include_usage": True}, "messages": HI}),
    "responses": ("/v1/responses", {"model": "gpt-4.1", "stream": True, "input": "hi"}),
    "messages": ("/v1/messages", {"model": "claude-sonnet-4.5", "stream": True, "max_tokens": 50,
                 "messages": HI}),
}
BEDROCK_MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0"
PROVIDER_BODIES = {
    "gemini": ("/v1beta/models/gemini-2.5-flash:streamGenerateContent",
               {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}),
    "ollama": ("/api/chat", {"model": "llama3.2", "messages": HI}),
    "cohere": ("/v2/chat", {"model": "command-a-03-2025", "stream": True, "messages": HI}),
    "bedrock_converse": (f"/model/{BEDROCK_MODEL}/converse-stream",
                         {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}),
    "bedrock_invoke": (f"/model/{BEDROCK_MODEL}/invoke-with-response-stream",
                       {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 50,
                        "messages": HI}),
    "azure_chat": ("/openai/deployments/gpt-4o/chat/completions",
                   {"stream": True, "messages": HI}),
}
#: the provider framings get the registry's examples and these
PROVIDER_VARIANTS = [
    "bad_crc(at=2, which=prelude)", "bad_crc(at=99)", "truncated_frame(at=1, keep=5)",
    "truncated_frame(at=4)", "exception_event(at=1)", "exception_event(at=99)",
    "gemini_blocked(at=1, reason=recitation)", "gemini_blocked(at=99)", "missing_done",
    "error_event(at=2)", "close(after=2)", "split(mode=inside_data, gap_ms=1)",
    "stall(after=2, seconds=1, keepalive_ms=300)", "malformed_json(at=2)", "coalesce(events=2)",
]
RESPONSES = {
    "text": Response(text="Héllo wörld, 你好 🙂 and a longer tail of words"),
    "tool": Response(tool_calls=(ToolCall("get_weather", '{"city": "Paris", "unit": "c"}'),)),
}
VARIANTS = [
    "close(after=0)", "close(after=2, mode=clean)", "close(after=3, inside_event=true)",
    "close(after=99)", "broken_chunked(after=2)", "broken_chunked(after=99)",
    "malformed_json(at=3, kind=garbage)", "malformed_json(at=1)", "duplicate_chunk(at=1)",
    "error_event(at=2, shape=event_error)", "error_event(at=99)", "empty_choices(at=3)",
    "null_content(at=4)", "empty_choices(at=99)", "field_noise(at=3, field=id)",
    "invalid_utf8(at=4)", "unicode_separators(at=3)", "stall(after=0, seconds=1)",
    "stall(after=3, seconds=1, keepalive_ms=300)", "coalesce(events=3)",
    "line_endings(style=mixed)", "split(mode=bytes, size=5)", "split(mode=random, size=9)",
    "split(mode=inside_data, gap_ms=1)", "split(mode=inside_utf8)", "split(mode=between_cr_lf)",
    "keepalive(every_ms=5, form=empty_data)", "drip(bytes_per_s=500, piece=7)",
    "done_variant(form=held_open, seconds=1)", "usage_chunk(placement=missing)",
    "bom; unterminated_last_event; missing_done", "first_token_delay(ms=5); keepalive(every_ms=2)",
    "slow_headers(ms=5); close(after=2, mode=reset)", "missing_done; close(after=4)",
    "split(mode=inside_data, gap_ms=2); keepalive(every_ms=1)",
]
#: faults whose re-cut follows what arrived together (each piece of a live stream is a run)
_RUN_BASED = ("split(mode=bytes", "split(mode=random")


def _request(api: str) -> RequestView:
    path, body = BODIES.get(api) or PROVIDER_BODIES[api]
    params = next(p for route in FORMATS[api].routes if (p := route.match(path)) is not None)
    return view_for(api, path, body, params)


def _played_live(spec: str) -> bool:
    """Not the ones the proxy buffers (`needs_whole_stream`: compiled like a script) or
    answers without the upstream (`status`): tested below."""
    faults = parse_faults(spec)
    return not any(f.needs_whole_stream() for f in faults) and replaced_answer(
        _request("chat"), "chat", faults, 7) is None


def _examples() -> list[str]:
    return [cls.example or name for name, cls in sorted(registry().items()) if cls.layer != "ws"]


def _specs() -> list[str]:
    return [spec for spec in _examples() + VARIANTS if _played_live(spec)]


def _provider_specs() -> list[str]:
    return [spec for spec in dict.fromkeys(_examples() + PROVIDER_VARIANTS) if _played_live(spec)]


def _upstream(api: str, response: Response, seed: int) -> tuple[Draft, list[LiveFrame]]:
    """The scripted answer as an upstream sends it: the head and one frame per event."""
    request = _request(api)
    fmt = FORMATS[api]
    content = resolve(response, request, seed)
    headers = fmt.renderer.adapt_headers(base_headers(Ids(seed), fmt.stream_content_type))
    events = list(fmt.renderer.events(content, request, seed, request.model or ""))
    frames = []
    for event in events:
        wire = serialize(event)
        frames.append(LiveFrame(fmt.framing.encode(wire),
                                Event(data=wire.data, event=wire.event, kind=wire.kind)))
    return Draft(200, headers, events=None, fmt=api, content=content), frames


def _live(api: str, response: Response, faults: tuple[Fault, ...], seed: int, cuts: int
          ) -> list[Op]:
    head, frames = _upstream(api, response, seed)
    stream = LiveStream(_request(api), head, faults=faults, seed=seed)
    ops = stream.start()
    rng = random.Random(cuts)
    pos = 0
    while pos < len(frames) and not stream.stopped:
        size = rng.randint(1, 3)
        ops += stream.feed(frames[pos : pos + size])
        pos += size
    ops += stream.finish()
    return [_without_fault_header(op) for op in ops]


def _without_fault_header(op: Op) -> Op:
    if isinstance(op, Start):
        return Start(op.status, tuple(h for h in op.headers if h[0] != "x-mock-fault"))
    return op


def _scripted(api: str, response: Response, faults: tuple[Fault, ...], seed: int) -> list[Op]:
    plan = compile_plan(_request(api), response=response, seed=seed, faults=faults)
    return list(plan.ops)


def _check(spec: str, api: str, response: str) -> None:
    faults = parse_faults(spec)
    scripted = _scripted(api, RESPONSES[response], faults, seed=7)
    for cuts in range(3):
        live = _live(api, RESPONSES[response], parse_faults(spec), seed=7, cuts=cuts)
        if spec.startswith(_RUN_BASED):
            assert b"".join(op.data for op in live if isinstance(op, Write)) == b"".join(
                op.data for op in scripted if isinstance(op, Write))
            assert [op for op in live if isinstance(op, Close)] == [
                op for op in scripted if isinstance(op, Close)]
        else:
            assert live == scripted, f"pieces cut with seed {cuts}"


@pytest.mark.parametrize("response", sorted(RESPONSES))
@pytest.mark.parametrize("api", sorted(BODIES))
@pytest.mark.parametrize("spec", _specs())
def test_live_pieces_give_the_scripted_plan(spec: str, api: str, response: str) -> None:
    _check(spec, api, response)


@pytest.mark.parametrize("response", sorted(RESPONSES))
@pytest.mark.parametrize("api", sorted(PROVIDER_BODIES))
@pytest.mark.parametrize("spec", _provider_specs())
def test_live_pieces_give_the_scripted_plan_on_provider_framings(spec: str, api: str,
                                                                 response: str) -> None:
    _check(spec, api, response)


def test_whole_stream_faults_are_the_ones_that_move_chunks_stream_wide() -> None:
    wholes = {name for name, cls in registry().items()
              if cls.layer != "ws" and parse_faults(cls.example or name)[0].needs_whole_stream()}
    assert wholes == {"not_streamed", "tool_call_fragments", "usage_chunk"}


def test_a_status_fault_replaces_the_answer_before_the_upstream_is_asked() -> None:
    draft = replaced_answer(_request("chat"), "chat", parse_faults("status(code=429)"), 7)
    assert draft is not None and draft.status == 429
    assert replaced_answer(_request("chat"), "chat", parse_faults("content_type; bom"), 7) is None


def test_upstream_bytes_pass_unchanged_where_no_fault_acts() -> None:
    head, frames = _upstream("chat", RESPONSES["text"], 7)
    comment = LiveFrame(b": keep-alive\r\n\r\n")
    odd = LiveFrame(b"data:" + frames[1].data[6:], frames[1].event)  # no space: same event
    stream = LiveStream(_request("chat"), head, faults=parse_faults("malformed_json(at=4)"))
    ops = stream.start() + stream.feed([frames[0], comment, odd, frames[2], frames[3]])
    writes = [op for op in ops if isinstance(op, Write)]
    assert [w.data for w in writes[:4]] == [frames[0].data, comment.data, odd.data,
                                            frames[2].data]
    assert [w.events for w in writes] == [1, 1, 2, 3, 4]
    assert writes[4].data != frames[3].data  # the 4th event is the broken one
