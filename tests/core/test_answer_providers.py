"""Reading a provider's answer back into script fields (core/answer_providers.py, and Bedrock
InvokeModel and Azure through the chat and Anthropic readers) is the inverse of rendering it:
for each provider, stream and body, what our renderer says is what the reader reads, so a
recording of a provider route replays with its text, tool calls, finish reason and usage.
Pure."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver.core.answer import kind_of, read_body, read_stream
from mockserver.core.content import resolve
from mockserver.core.events import serialize
from mockserver.core.formats import FORMATS, view_for
from mockserver.core.response import Response
from tests.core.test_answer import ANSWERS

BEDROCK = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HI = [{"role": "user", "content": "hi"}]
#: format -> (stream path, non-stream path, body)
PROVIDERS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "gemini": ("/v1beta/models/gemini-2.5-flash:streamGenerateContent",
               "/v1beta/models/gemini-2.5-flash:generateContent",
               {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}),
    "ollama": ("/api/chat", "/api/chat", {"model": "llama3.2", "messages": HI}),
    "cohere": ("/v2/chat", "/v2/chat", {"model": "command-a-03-2025", "messages": HI}),
    "bedrock_converse": (f"/model/{BEDROCK}/converse-stream", f"/model/{BEDROCK}/converse",
                         {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}),
    "bedrock_invoke": (f"/model/{BEDROCK}/invoke-with-response-stream", f"/model/{BEDROCK}/invoke",
                       {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 50,
                        "messages": HI}),
    "azure_chat": ("/openai/deployments/gpt-4o/chat/completions",
                   "/openai/deployments/gpt-4o/chat/completions", {"messages": HI}),
}


def _render(api: str, answer: Response, stream: bool) -> tuple[Any, Any]:
    stream_path, body_path, body = PROVIDERS[api]
    path = stream_path if stream else body_path
    if api in ("ollama", "cohere", "azure_chat"):
        body = {**body, "stream": stream}
    if api == "azure_chat" and stream:
        body["stream_options"] = {"include_usage": True}
    params = next(p for route in FORMATS[api].routes if (p := route.match(path)) is not None)
    request = view_for(api, path, body, params)
    assert request.stream is stream
    content = resolve(answer, request, 7)
    renderer = FORMATS[api].renderer
    if stream:
        return content, [serialize(e) for e in renderer.events(content, request, 7,
                                                                request.model or "")]
    return content, json.loads(renderer.json_text(renderer.body(
        content, request, 7, request.model or "")) if renderer.json_text else json.dumps(
        renderer.body(content, request, 7, request.model or "")))


def _same(read: Response, content: Any) -> None:
    assert [(c.name, json.loads(c.arguments)) for c in read.tool_calls] == [
        (c.name, json.loads(c.arguments)) for c in content.calls]
    assert read.finish_reason == content.finish_reason
    assert read.usage is not None
    assert read.usage["completion_tokens"] == content.completion_tokens


@pytest.mark.parametrize("answer", sorted(ANSWERS))
@pytest.mark.parametrize("api", sorted(PROVIDERS))
def test_a_rendered_provider_stream_reads_back_as_its_script(api: str, answer: str) -> None:
    content, events = _render(api, ANSWERS[answer], stream=True)
    read = read_stream(api, events)
    assert read.chunks == content.pieces
    _same(read, content)


@pytest.mark.parametrize("answer", sorted(ANSWERS))
@pytest.mark.parametrize("api", sorted(PROVIDERS))
def test_a_rendered_provider_body_reads_back_as_its_script(api: str, answer: str) -> None:
    content, body = _render(api, ANSWERS[answer], stream=False)
    read = read_body(api, body)
    assert read.text == ("".join(content.pieces) if content.pieces else None)
    _same(read, content)
    assert read.usage is not None
    # Ollama's renderer counts the request's own prompt (prompt_eval_count), not a script's
    prompt = _request_tokens(api) if api == "ollama" else content.prompt_tokens
    assert read.usage["prompt_tokens"] == prompt


def _request_tokens(api: str) -> int:
    _, path, body = PROVIDERS[api]
    return view_for(api, path, {**body, "stream": False}).prompt_tokens


def test_live_kinds_of_provider_events_match_the_renderers_tags() -> None:
    """What the proxy tags a live provider event with (kind_of) is the renderer's own tag
    where faults look for it: the end marker (`missing_done` drops Ollama's `done` line and
    Cohere's [DONE]), the finish, the usage, the text."""
    looked_for = {"done", "finish", "usage", "content", "role"}
    for api in ("gemini", "ollama", "cohere", "bedrock_converse"):
        for answer in ANSWERS.values():
            _, events = _render(api, answer, stream=True)
            for event in events:
                if event.kind in looked_for:
                    assert kind_of(api, event.event, event.data or "") == event.kind, event
