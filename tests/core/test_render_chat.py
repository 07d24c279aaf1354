"""Exact bytes of canonical streams (openai-wire.md 1.1-1.4, 2.1) and seed determinism."""

from __future__ import annotations

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.plan import Close, Start, Write
from mockserver.core.scenario import Response

HEAD = (
    '{"id":"chatcmpl-Ie51trsuJ1B1ZFvIE7fdcssTlZXul","object":"chat.completion.chunk",'
    '"created":1767434833,"model":"gpt-4o-mini-2024-07-18","service_tier":"default",'
    '"system_fingerprint":"fp_86f1519013",'
)


def chat_view(**extra: object):  # type: ignore[no-untyped-def]
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}], "stream": True}
    body.update(extra)
    return view_for("chat", "/v1/chat/completions", body)


def test_chat_stream_with_usage_is_byte_exact() -> None:
    view = chat_view(stream_options={"include_usage": True, "include_obfuscation": False})
    plan = compile_plan(
        view, response=Response(chunks=("Hi",)), seed=7, model="gpt-4o-mini-2024-07-18"
    )
    usage = (
        '"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9,'
        '"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},'
        '"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,'
        '"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}'
    )
    expected = (
        "data: " + HEAD + '"choices":[{"index":0,"delta":{"role":"assistant","content":"",'
        '"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}\n\n'
        "data: " + HEAD + '"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,'
        '"finish_reason":null}],"usage":null}\n\n'
        "data: " + HEAD + '"choices":[{"index":0,"delta":{},"logprobs":null,'
        '"finish_reason":"stop"}],"usage":null}\n\n'
        "data: " + HEAD + '"choices":[],' + usage + "}\n\n"
        "data: [DONE]\n\n"
    )
    assert plan.body().decode() == expected
    assert plan.writes() == [part.encode() + b"\n\n" for part in expected.split("\n\n")[:-1]]
    assert isinstance(plan.ops[0], Start) and plan.ops[-1] == Close("clean")
    assert plan.start is not None
    assert plan.start.header("content-type") == "text/event-stream; charset=utf-8"


def test_obfuscation_is_on_every_chunk_by_default_and_usage_absent() -> None:
    plan = compile_plan(chat_view(), response=Response(text="a b"), seed=1, model="m")
    events = [w for w in plan.writes() if w != b"data: [DONE]\n\n"]
    assert all(b'"obfuscation":"' in w for w in events)
    assert not any(b'"usage"' in w for w in events)


def test_non_ascii_is_raw_utf8_so_a_split_can_land_inside_a_character() -> None:
    plan = compile_plan(chat_view(), response=Response(chunks=("☃",)), seed=1, model="m")
    assert "☃".encode() in plan.body()
    assert b"\\u2603" not in plan.body()


def test_legacy_completion_stream_is_byte_exact() -> None:
    view = view_for(
        "completions",
        "/v1/completions",
        {"model": "gpt-3.5-turbo-instruct", "prompt": "Hi", "stream": True},
    )
    plan = compile_plan(
        view, response=Response(chunks=("Hi",)), seed=7, model="gpt-3.5-turbo-instruct"
    )
    head = (
        '{"id":"cmpl-Ie51trsuJ1B1ZFvIE7fdcssT","object":"text_completion","created":1767434833,'
        '"model":"gpt-3.5-turbo-instruct","system_fingerprint":null,'
    )
    assert plan.body().decode() == (
        "data: "
        + head
        + '"choices":[{"text":"Hi","index":0,"logprobs":null,"finish_reason":null}]}\n\n'
        "data: "
        + head
        + '"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]}\n\n'
        "data: [DONE]\n\n"
    )


def test_same_seed_gives_identical_plans_and_other_seeds_differ() -> None:
    view = chat_view()
    one = compile_plan(view, response=Response(text="Hello world"), seed=42, model="m")
    two = compile_plan(view, response=Response(text="Hello world"), seed=42, model="m")
    other = compile_plan(view, response=Response(text="Hello world"), seed=43, model="m")
    assert one == two and one.body() == two.body()
    assert one.body() != other.body()


def test_single_tool_call_merges_first_fragment_into_role_chunk() -> None:
    from mockserver.core.scenario import ToolCall

    response = Response(tool_calls=(ToolCall("get_weather", '{"city":"Oslo"}', id="call_1"),))
    plan = compile_plan(chat_view(), response=response, seed=3, model="m")
    writes = [w for w in plan.ops if isinstance(w, Write)]
    first = writes[0].data
    assert b'"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1"' in first
    later = b"".join(w.data for w in writes[1:])
    assert later.count(b'"id":"call_1"') == 0
    assert b'"finish_reason":"tool_calls"' in later


def test_encoder_refuses_values_that_would_break_framing() -> None:
    import pytest

    from mockserver.sse import SSEDecoder, encode_comment, encode_event

    for kwargs in ({"event": "a\nb"}, {"id": "1\r2"}, {"id": "a\0b"}, {"retry": -1}):
        with pytest.raises(ValueError):
            encode_event("x", **kwargs)  # type: ignore[arg-type]
    assert encode_event("x", event="a\nb", sanitize=False) == b"event: a\nb\ndata: x\n\n"
    assert encode_comment("a\nb") == b": a\n: b\n\n"
    assert SSEDecoder().decode(encode_comment("a\nb") + encode_event("y")) == SSEDecoder().decode(
        encode_event("y")
    )


def test_fault_free_stream_is_rendered_lazily_and_replays_identically() -> None:
    """A long fault-free stream is not materialised before its first byte: the plan's ops
    are produced while they are iterated, and every pass gives the same ops."""
    from mockserver.core.plan import LazyOps

    chunks = tuple(f"t{i} " for i in range(50_000))
    plan = compile_plan(chat_view(), response=Response(chunks=chunks), seed=2, model="m")
    assert isinstance(plan.ops, LazyOps)
    first = next(op for op in plan.ops if isinstance(op, Write))
    assert first.events == 1 and b'"role":"assistant"' in first.data
    assert plan.start is not None and plan.close == Close("clean")
    assert not plan.requires_raw_socket and not plan.has_sleeps
    assert plan.ops == tuple(plan.ops)
    assert len(plan.writes()) == 50_000 + 3
    assert "... " in plan.describe() and plan.describe().endswith("CLOSE clean")


def test_template_rendered_chunks_equal_compact_dumps_of_their_objects() -> None:
    """The hot path writes chunk JSON from templates; it must be byte-identical to `dumps`
    of the object it stands for (which is what faults see after hydration)."""
    import json

    from mockserver.core.events import dumps
    from mockserver.core.scenario import ToolCall

    responses = [
        Response(chunks=("Hé", ' "q"\n', "\u2028", "☃")),
        Response(tool_calls=(ToolCall("f", '{"a": "\\u00e9"}'), ToolCall("g", "{}"))),
        Response(text="a b", finish_reason="length"),
    ]
    for n in (1, 3):
        view = chat_view(n=n, stream_options={"include_usage": True})
        for response in responses:
            plan = compile_plan(view, response=response, seed=5, model="m")
            for write in plan.writes()[:-1]:
                data = write.decode()[len("data: "):-2]
                assert dumps(json.loads(data)) == data


def _fast_and_event_bytes(response: Response, **extra: object) -> tuple[list[bytes], list[bytes]]:
    from mockserver.core.content import resolve
    from mockserver.core.formats.chat import chat_events, chat_frames
    from mockserver.sse.encoder import encode_event

    view = chat_view(**extra)
    content = resolve(response, view, 9)
    fast = list(chat_frames(content, view, 9, "m"))
    slow = [encode_event(e.data) for e in chat_events(content, view, 9, "m")]
    return fast, slow


def test_fast_chat_frames_are_the_encoded_chat_events_byte_for_byte() -> None:
    """The fault-free hot path (`chat_frames`, bytes from templates) sends exactly what the
    event path (`chat_events`, encoded one by one) sends: same JSON, same seeded padding."""
    from mockserver.core.scenario import ToolCall

    responses = [
        Response(chunks=("tok",) * 5 + ("Hé", ' "q"\n', "\u2028", "☃", "tok", "tok")),
        Response(tool_calls=(ToolCall("f", '{"a": "\\u00e9"}'),)),
        Response(chunks=("a",), tool_calls=(ToolCall("f", "{}"), ToolCall("g", "[1]"))),
        Response(text="a b", finish_reason="length"),
        Response(chunks=()),
    ]
    options = [{}, {"n": 2}, {"stream_options": {"include_usage": True}},
               {"stream_options": {"include_obfuscation": False}}]
    for response in responses:
        for extra in options:
            fast, slow = _fast_and_event_bytes(response, **extra)
            assert fast == slow, (response, extra)


def test_lazy_plan_payloads_equal_the_writes_of_its_ops() -> None:
    """`LazyOps.payloads` (what the player pours) is the data of the body's Write ops."""
    from mockserver.core.plan import LazyOps

    plan = compile_plan(chat_view(), response=Response(chunks=("x", "y") * 20), seed=3, model="m")
    assert isinstance(plan.ops, LazyOps) and plan.ops.payloads is not None
    writes = [op.data for op in plan.ops if isinstance(op, Write)]
    assert list(plan.ops.payloads()) == writes and len(writes) == 43
