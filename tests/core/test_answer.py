"""Reading an answer back into script fields (core/answer.py) is the inverse of rendering it:
for every format, stream and body, what our renderer says is what the reader reads. This is
what the recorder saves and what the proxy re-renders for the faults that need a whole
answer. Pure."""

from __future__ import annotations

import json

import pytest

from mockserver.core.answer import kind_of, read_body, read_stream
from mockserver.core.content import resolve
from mockserver.core.events import serialize
from mockserver.core.formats import FORMATS, view_for
from mockserver.core.response import Response, ToolCall

BODIES = {
    "chat": ("/v1/chat/completions", {"model": "gpt-4.1", "stream_options": {
        "include_usage": True}, "messages": [{"role": "user", "content": "hi"}]}),
    "completions": ("/v1/completions", {"model": "gpt-3.5-turbo-instruct", "prompt": "hi",
                                        "stream_options": {"include_usage": True}}),
    "responses": ("/v1/responses", {"model": "gpt-4.1", "input": "hi"}),
    "messages": ("/v1/messages", {"model": "claude-sonnet-4.5", "max_tokens": 50,
                                  "messages": [{"role": "user", "content": "hi"}]}),
}
ANSWERS = {
    "text": Response(chunks=("Hél", "lo ", "wörld", " 🙂"), usage={"prompt_tokens": 9,
                                                                 "completion_tokens": 4}),
    "tools": Response(tool_calls=(ToolCall("get_weather", '{"city": "Paris"}', id="call_1"),
                                  ToolCall("get_time", '{"tz": "CET"}', id="call_2"))),
    "length": Response(text="cut short", finish_reason="length"),
}


def _render(api: str, answer: Response, stream: bool):  # noqa: ANN202
    path, body = BODIES[api]
    body = {**body, "stream": stream}
    if not stream:
        body.pop("stream_options", None)
    request = view_for(api, path, body, {})
    content = resolve(answer, request, 7)
    model = request.model or ""
    if stream:
        return content, [serialize(e) for e in FORMATS[api].renderer.events(content, request,
                                                                             7, model)]
    return content, FORMATS[api].renderer.body(content, request, 7, model)


def _same(read: Response, content, text_joined: bool) -> None:  # noqa: ANN001
    if text_joined:
        assert read.text == ("".join(content.pieces) if content.pieces else None)
    else:
        assert read.chunks == content.pieces
    assert [(c.name, json.loads(c.arguments)) for c in read.tool_calls] == [
        (c.name, json.loads(c.arguments)) for c in content.calls]
    assert read.finish_reason == content.finish_reason


@pytest.mark.parametrize("answer", sorted(ANSWERS))
@pytest.mark.parametrize("api", sorted(BODIES))
def test_a_rendered_stream_reads_back_as_its_script(api: str, answer: str) -> None:
    if api == "completions" and answer == "tools":
        return  # legacy completions have no tool calls
    content, events = _render(api, ANSWERS[answer], stream=True)
    read = read_stream(api, events)
    _same(read, content, text_joined=False)
    wire_ids = [("toolu_01" + c.id[5:27]) if api == "messages" else c.id for c in content.calls]
    assert [c.id for c in read.tool_calls] == wire_ids  # kept as sent, so a replay sends them
    assert read.usage is not None
    assert read.usage["completion_tokens"] == content.completion_tokens


@pytest.mark.parametrize("answer", sorted(ANSWERS))
@pytest.mark.parametrize("api", sorted(BODIES))
def test_a_rendered_body_reads_back_as_its_script(api: str, answer: str) -> None:
    if api == "completions" and answer == "tools":
        return
    content, body = _render(api, ANSWERS[answer], stream=False)
    read = read_body(api, json.loads(json.dumps(body)))
    _same(read, content, text_joined=True)
    assert read.usage == {"prompt_tokens": content.prompt_tokens,
                          "completion_tokens": content.completion_tokens}


def test_live_kinds_match_the_renderers_tags() -> None:
    for api in ("chat", "completions", "messages"):
        for answer in ANSWERS.values():
            if api == "completions" and answer.tool_calls:
                continue
            _, events = _render(api, answer, stream=True)
            for event in events:
                expected = {"item": "item", "reasoning": "item"}.get(event.kind, event.kind)
                if api == "messages" and event.kind in ("item", "reasoning"):
                    expected = "item" if event.event != "content_block_delta" else "content"
                assert kind_of(api, event.event, event.data or "") == expected, event
