"""Azure OpenAI's answers: OpenAI's chat, completions and embeddings as Azure sends them.

Stream (chat and legacy completions), from a recorded Azure stream:

    data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":
           [{"prompt_index":0,"content_filter_results":{"hate":{...},...}}]}    first, always
    data: {"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,
           "role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":...}
    data: {... "content_filter_results":{"hate":{"filtered":false,"severity":"safe"},...} ...}
    ...                                   text chunks carry the verdicts; role, tool-call and
    data: {... "finish_reason":"stop" ...} finish chunks carry `{}`
    data: [DONE]

Every object's keys are sorted (Azure's serializer), except `prompt_index` first in
`prompt_filter_results`; no `service_tier`. `finish_reason: content_filter` puts the verdict
that blocked the output (hate, high) on the finish chunk. The non-stream bodies carry
`prompt_filter_results` and per-choice `content_filter_results`. Embeddings are OpenAI's.
Requests are OpenAI's bodies without the need for `model` (the deployment names it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from mockserver.core.content import Content
from mockserver.core.events import Event
from mockserver.core.formats.azure import (
    azure_error_body,
    azure_gate,
    azure_headers,
    azure_model_info,
    azure_unknown_model,
    filter_results,
    prompt_filter_results,
    sorted_keys,
)
from mockserver.core.formats.base import Renderer
from mockserver.core.formats.chat import chat_body, chat_events, chat_view
from mockserver.core.formats.completions import completion_body, completion_events, completion_view
from mockserver.core.formats.embeddings_models import embeddings_body, embeddings_view
from mockserver.core.models import ModelInfo
from mockserver.core.request import RequestView

__all__ = ["CHAT", "COMPLETIONS", "EMBEDDINGS", "azure_events", "azure_body"]


def _with_deployment(view: Any, api: str) -> Any:
    def read(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
        deployment = params.get("deployment", "")
        request: RequestView = view(path, {**body, "model": deployment}, params)
        return replace(request, api=api, model=deployment, body=body)
    return read


def _verdict(choice: dict[str, Any]) -> dict[str, Any]:
    """The `content_filter_results` of one choice of a chunk."""
    if choice.get("finish_reason") == "content_filter":
        return filter_results("hate")
    delta = choice.get("delta")
    text = delta.get("content") if isinstance(delta, dict) else choice.get("text")
    return filter_results() if text else {}


def _annotate(obj: dict[str, Any]) -> dict[str, Any]:
    obj = {k: v for k, v in obj.items() if k != "service_tier"}
    obj["choices"] = [{**c, "content_filter_results": _verdict(c)}
                      for c in obj.get("choices") or []]
    return sorted_keys(obj)  # type: ignore[no-any-return]


def _prompt_chunk() -> Event:
    head = sorted_keys({"choices": [], "created": 0, "id": "", "model": "", "object": ""})
    return Event(payload={**head, "prompt_filter_results": prompt_filter_results()}, kind="role")


def azure_events(content: Content, request: RequestView, seed: int, model: str
                 ) -> Iterator[Event]:
    """The chunks of a streamed answer, chat or legacy completions (by the request's api)."""
    render = chat_events if request.api == "azure_chat" else completion_events
    yield _prompt_chunk()
    for event in render(content, request, seed, model):
        if event.kind == "done":
            yield event
            continue
        obj = event.payload if event.payload is not None else json.loads(event.data or "{}")
        yield Event(payload=_annotate(obj), kind=event.kind)


def azure_body(content: Content, request: RequestView, seed: int, model: str) -> dict[str, Any]:
    """The non-stream chat completion or text completion, with the filters' verdicts."""
    render = chat_body if request.api == "azure_chat" else completion_body
    body = render(content, request, seed, model)
    body.pop("service_tier", None)
    verdict = filter_results("hate" if content.finish_reason == "content_filter" else None)
    body["choices"] = [{**c, "content_filter_results": verdict} for c in body["choices"]]
    out: dict[str, Any] = sorted_keys(body)
    out["prompt_filter_results"] = prompt_filter_results()
    return dict(sorted(out.items()))


def _dimensions(model: str) -> int:
    return 3072 if "3-large" in model else 1536


def azure_embeddings_body(content: Content, request: RequestView, seed: int, model: str
                          ) -> dict[str, Any]:
    info = ModelInfo(model, kind="embedding", dimensions=_dimensions(model))
    return embeddings_body(request, info)


def _sample(kind: str) -> Any:
    def sample(model: str, message: str, stream: bool) -> dict[str, Any]:
        if kind == "completions":
            return {"prompt": message, "stream": stream}
        if kind == "embeddings":
            return {"input": message}
        return {"messages": [{"role": "user", "content": message}], "stream": stream}
    return sample


_SHARED: dict[str, Any] = dict(
    error_body=azure_error_body, headers=azure_headers, gate=azure_gate,
    model_info=azure_model_info, unknown_model=azure_unknown_model,
)
CHAT = Renderer(view=_with_deployment(chat_view, "azure_chat"), events=azure_events,
                body=azure_body, sample=_sample("chat"), **_SHARED)
COMPLETIONS = Renderer(view=_with_deployment(completion_view, "azure_completions"),
                       events=azure_events, body=azure_body, sample=_sample("completions"),
                       **_SHARED)
EMBEDDINGS = Renderer(view=_with_deployment(embeddings_view, "azure_embeddings"),
                      body=azure_embeddings_body, sample=_sample("embeddings"), **_SHARED)
