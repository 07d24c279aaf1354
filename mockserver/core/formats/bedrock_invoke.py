"""Bedrock's InvokeModel API: `POST /model/{modelId}/invoke` and
`/invoke-with-response-stream`, where the body is the model's own JSON.

    anthropic.* / claude* ids   Anthropic Messages as Bedrock serves them: the request has
                                `anthropic_version` (`bedrock-2023-05-31`, or a dated Anthropic
                                API version as the anthropic SDK sends) and no `model` or
                                `stream` (JSON-schema checks, "Malformed input request: ...");
                                the answer is a Message (`msg_bdrk_01...`, `toolu_bdrk_01...`)
    any other id                OpenAI Chat Completions, the body Bedrock's `openai.gpt-oss-*`
                                models take and give (no `model` needed in the request)

The stream is an AWS event stream of `chunk` events (`ResponseStream` in botocore's model),
each `{"bytes": <base64 of one native JSON event>, "p": <padding>}`: the Anthropic events
of /v1/messages (anthropic.py) without `ping`, with the model first in `message_start` and
`amazon-bedrock-invocationMetrics` in `message_stop`; or the chat.completion.chunk objects
of /v1/chat/completions (chat.py) without `[DONE]`. The response also says the model's
content type in `x-amzn-bedrock-content-type`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from mockserver.core.content import Content
from mockserver.core.events import Event, dumps
from mockserver.core.formats.anthropic import anthropic_body, anthropic_events, anthropic_view
from mockserver.core.formats.base import Renderer
from mockserver.core.formats.bedrock import (
    anthropic_model_name,
    bedrock_error_body,
    bedrock_error_event,
    bedrock_error_headers,
    bedrock_gate,
    bedrock_headers,
    bedrock_model_info,
    bedrock_unknown_model,
    is_anthropic,
    padding,
)
from mockserver.core.formats.chat import chat_body, chat_events, chat_view
from mockserver.core.ids import rng_for
from mockserver.core.request import RequestView
from mockserver.errors import ApiError

__all__ = ["invoke_view", "invoke_events", "invoke_body", "invoke_headers", "RENDERER",
           "ANTHROPIC_VERSION"]

ANTHROPIC_VERSION = "bedrock-2023-05-31"
#: Anthropic API versions (the anthropic SDK's Bedrock client sends its own, e.g. 2026-10-21)
_DATED = re.compile(r"\d{4}-\d{2}-\d{2}")
_ANTHROPIC_KEYS = (
    "anthropic_version", "anthropic_beta", "max_tokens", "messages", "system", "temperature",
    "top_p", "top_k", "stop_sequences", "tools", "tool_choice", "thinking", "metadata",
)
_JSON_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "max_tokens": (int, "Integer"), "messages": (list, "JSONArray"),
    "anthropic_version": (str, "String"), "system": ((str, list), "String"),
}


def _malformed(detail: str) -> ApiError:
    return ApiError(400, f"Malformed input request: {detail}, please reformat your input and "
                    "try again.", type="ValidationException")


def _check_schema(body: Mapping[str, Any]) -> None:
    """Bedrock's JSON-schema checks of an Anthropic body, in its wording."""
    for key in ("anthropic_version", "max_tokens", "messages"):
        if key not in body:
            raise _malformed(f"#: required key [{key}] not found")
    for key in body:
        if key not in _ANTHROPIC_KEYS:
            raise _malformed(f"#: extraneous key [{key}] is not permitted")
    for key, (kind, word) in _JSON_TYPES.items():
        value = body.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
            found = type(value).__name__.replace("str", "String").replace("int", "Integer")
            raise _malformed(f"#/{key}: expected type: {word}, found: {found}")
    version = body["anthropic_version"]
    if version != ANTHROPIC_VERSION and not _DATED.fullmatch(version):
        raise _malformed(f"#/anthropic_version: {version} is not a valid enum value")


def invoke_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """An InvokeModel request: the model's native body, checked as Bedrock checks it."""
    model = params.get("modelId", "")
    stream = path.endswith("/invoke-with-response-stream")
    if is_anthropic(model):
        _check_schema(body)
        native = {k: v for k, v in body.items() if not k.startswith("anthropic_")}
        view = anthropic_view(path, {**native, "model": model}, params)
    else:
        view = chat_view(path, {**body, "model": model, "stream": stream}, params)
    return replace(view, api="bedrock_invoke", path=path, model=model, body=body, stream=stream)


def _chunk(native: str, rng: Any, kind: str) -> Event:
    encoded = base64.b64encode(native.encode()).decode()
    return Event(payload={"bytes": encoded, "p": padding(rng)}, event="chunk", kind=kind)


def _latencies(seed: int) -> tuple[int, int]:
    rng = rng_for(seed, "bedrock-latency")
    first = rng.randrange(250, 1500)
    return first, first + rng.randrange(50, 1500)


def _bedrock_ids(message_id: str) -> str:
    return "msg_bdrk_" + message_id.removeprefix("msg_")


def _tool_block(block: dict[str, Any]) -> dict[str, Any]:
    if block.get("type") == "tool_use" and str(block.get("id", "")).startswith("toolu_01"):
        return {**block, "id": "toolu_bdrk_" + block["id"][6:]}
    return block


def _usage(content: Content, output_tokens: int) -> dict[str, Any]:
    return {"input_tokens": content.prompt_tokens, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0, "cache_creation": {
                "ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "output_tokens": output_tokens}


def _anthropic_chunks(content: Content, request: RequestView, seed: int) -> Iterator[Event]:
    name = anthropic_model_name(request.model or "")
    rng = rng_for(seed, "bedrock-padding")
    output_tokens = 1
    for event in anthropic_events(content, request, seed, name):
        obj: dict[str, Any] = event.payload
        kind = obj["type"]
        if kind == "ping":
            continue
        if kind == "message_start":
            message = obj["message"]
            obj = {"type": kind, "message": {
                "model": name, "id": _bedrock_ids(message["id"]), "type": "message",
                "role": "assistant", "content": [], "stop_reason": None, "stop_sequence": None,
                "usage": _usage(content, 1)}}
        elif kind == "content_block_start":
            obj = {**obj, "content_block": _tool_block(obj["content_block"])}
        elif kind == "message_delta":
            output_tokens = obj["usage"]["output_tokens"]
        elif kind == "message_stop":
            first, total = _latencies(seed)
            obj = {**obj, "amazon-bedrock-invocationMetrics": {
                "inputTokenCount": content.prompt_tokens, "outputTokenCount": output_tokens,
                "invocationLatency": total, "firstByteLatency": first}}
        yield _chunk(dumps(obj), rng, event.kind)


def _chat_chunks(content: Content, request: RequestView, seed: int, model: str
                 ) -> Iterator[Event]:
    rng = rng_for(seed, "bedrock-padding")
    for event in chat_events(content, request, seed, model):
        if event.kind != "done" and event.data is not None:
            yield _chunk(event.data, rng, event.kind)


def invoke_events(content: Content, request: RequestView, seed: int, model: str
                  ) -> Iterator[Event]:
    """The `chunk` events of one InvokeModelWithResponseStream answer."""
    if is_anthropic(request.model or ""):
        return _anthropic_chunks(content, request, seed)
    return _chat_chunks(content, request, seed, model)


def invoke_body(content: Content, request: RequestView, seed: int, model: str
                ) -> dict[str, Any]:
    """The model's native answer to InvokeModel."""
    if not is_anthropic(request.model or ""):
        return chat_body(content, request, seed, model)
    name = anthropic_model_name(request.model or "")
    body = anthropic_body(content, request, seed, name)
    usage = body["usage"]
    return {**body, "id": _bedrock_ids(body["id"]),
            "content": [_tool_block(block) for block in body["content"]],
            "usage": {k: v for k, v in usage.items() if k != "service_tier"}}


def invoke_headers(headers: list[tuple[str, str]], error: bool) -> list[tuple[str, str]]:
    """Bedrock's headers; a stream also names the model's content type."""
    out = bedrock_headers(headers, error)
    if dict(out).get("content-type") == "application/vnd.amazon.eventstream":
        out.append(("x-amzn-bedrock-content-type", "application/json"))
    return out


def invoke_sample(model: str, message: str, stream: bool) -> dict[str, Any]:
    messages = [{"role": "user", "content": message}]
    if is_anthropic(model):
        return {"anthropic_version": ANTHROPIC_VERSION, "max_tokens": 512, "messages": messages}
    return {"messages": messages, "max_completion_tokens": 512}


RENDERER = Renderer(
    view=invoke_view, events=invoke_events, body=invoke_body, error_body=bedrock_error_body,
    headers=invoke_headers, error_event=bedrock_error_event, gate=bedrock_gate,
    model_info=bedrock_model_info, unknown_model=bedrock_unknown_model,
    error_headers=bedrock_error_headers, sample=invoke_sample,
)
