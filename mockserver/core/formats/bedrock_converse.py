"""Bedrock's Converse API: `POST /model/{modelId}/converse` and `/converse-stream`.

Stream (AWS event stream, one message per event; `ConverseStreamOutput` in botocore's model),
every payload's keys sorted with the padding `p` among them:

    messageStart        {"p", "role": "assistant"}
    per block           reasoning (from `reasoning`), text, toolUse, numbered from 0:
      contentBlockStart   toolUse blocks only: {"contentBlockIndex", "p", "start":
                          {"toolUse": {"name", "toolUseId"}}}
      contentBlockDelta*  {"contentBlockIndex", "delta": {"text"} | {"toolUse": {"input"}} |
                          {"reasoningContent": {"text"} then {"signature"}}, "p"}
      contentBlockStop    {"contentBlockIndex", "p"}
    messageStop         {"p", "stopReason"}: end_turn | tool_use | max_tokens | content_filtered
    metadata            {"metrics": {"latencyMs"}, "p", "usage": {...Tokens}}

Non-stream: `{"metrics", "output": {"message": {"content": [...], "role"}}, "stopReason",
"usage"}`. Errors, headers, model ids: bedrock.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mockserver.core.content import Content, word_chunks
from mockserver.core.events import Event
from mockserver.core.formats.base import Renderer
from mockserver.core.formats.bedrock import (
    STOP_REASONS,
    bedrock_error_body,
    bedrock_error_event,
    bedrock_error_headers,
    bedrock_gate,
    bedrock_headers,
    bedrock_model_info,
    bedrock_unknown_model,
    coral_error,
    is_anthropic,
    padding,
    sorted_payload,
    tool_use_id,
)
from mockserver.core.ids import rng_for
from mockserver.core.request import RequestView, count_tokens, last_user_text, text_of
from mockserver.errors import ApiError

__all__ = ["converse_view", "converse_events", "converse_body", "converse_usage", "RENDERER"]


def converse_usage(content: Content, model: str) -> dict[str, int]:
    """Token counts; Anthropic models also report their (zero) cache counts."""
    usage = {"inputTokens": content.prompt_tokens, "outputTokens": content.completion_tokens,
             "totalTokens": content.prompt_tokens + content.completion_tokens}
    if is_anthropic(model):
        usage.update(cacheReadInputTokenCount=0, cacheReadInputTokens=0,
                     cacheWriteInputTokenCount=0, cacheWriteInputTokens=0)
    return dict(sorted(usage.items()))


def _latency(seed: int) -> int:
    return rng_for(seed, "bedrock-latency").randrange(250, 2500)


def _signature(seed: int) -> str:
    rng = rng_for(seed, "signature")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(rng.choice(alphabet) for _ in range(120)) + "=="


def _input(arguments: str) -> Any:
    try:
        value = json.loads(arguments) if arguments else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _blocks(content: Content, seed: int) -> list[tuple[str, dict[str, Any] | None, list[Any]]]:
    """(kind, contentBlockStart `start` or None, deltas) per block, in order."""
    blocks: list[tuple[str, dict[str, Any] | None, list[Any]]] = []
    if content.reasoning is not None:
        deltas: list[Any] = [{"reasoningContent": {"text": p}}
                             for p in word_chunks(content.reasoning)]
        deltas.append({"reasoningContent": {"signature": _signature(seed)}})
        blocks.append(("reasoning", None, deltas))
    if content.pieces or not content.calls:
        blocks.append(("content", None, [{"text": p} for p in content.pieces]))
    for call in content.calls:
        start = {"toolUse": {"name": call.name, "toolUseId": tool_use_id(call)}}
        blocks.append(("tool", start, [{"toolUse": {"input": f}} for f in call.fragments]))
    return blocks


def converse_events(content: Content, request: RequestView, seed: int, model: str
                    ) -> list[Event]:
    """The messages of one ConverseStream answer."""
    rng = rng_for(seed, "bedrock-padding")

    def event(name: str, kind: str, payload: dict[str, Any]) -> Event:
        payload["p"] = padding(rng)
        return Event(payload=sorted_payload(payload), event=name, kind=kind)

    events = [event("messageStart", "role", {"role": "assistant"})]
    for index, (kind, start, deltas) in enumerate(_blocks(content, seed)):
        if start is not None:
            events.append(event("contentBlockStart", "item",
                                {"contentBlockIndex": index, "start": start}))
        for delta in deltas:
            events.append(event("contentBlockDelta", kind,
                                {"contentBlockIndex": index, "delta": delta}))
        events.append(event("contentBlockStop", "item", {"contentBlockIndex": index}))
    stop = STOP_REASONS.get(content.finish_reason, "end_turn")
    events.append(event("messageStop", "finish", {"stopReason": stop}))
    events.append(event("metadata", "usage", {
        "metrics": {"latencyMs": _latency(seed)},
        "usage": converse_usage(content, request.model or model),
    }))
    return events


def converse_body(content: Content, request: RequestView, seed: int, model: str
                  ) -> dict[str, Any]:
    """The Converse answer."""
    blocks: list[dict[str, Any]] = []
    if content.reasoning is not None:
        blocks.append({"reasoningContent": {"reasoningText": {
            "signature": _signature(seed), "text": content.reasoning}}})
    if content.pieces or not content.calls:
        blocks.append({"text": content.text})
    for call in content.calls:
        blocks.append({"toolUse": {"input": _input(call.arguments), "name": call.name,
                                   "toolUseId": tool_use_id(call)}})
    body = {
        "metrics": {"latencyMs": _latency(seed)},
        "output": {"message": {"content": blocks, "role": "assistant"}},
        "stopReason": STOP_REASONS.get(content.finish_reason, "end_turn"),
        "usage": converse_usage(content, request.model or model),
    }
    return sorted_payload(body)  # type: ignore[no-any-return]


def _number(body: Mapping[str, Any], path: str, name: str, low: float, high: float | None,
            integer: bool) -> None:
    value = body.get(name)
    if value is None:
        return
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise coral_error(f"{path}.{name}", value, "must be a number")
    if value < low:
        raise coral_error(f"{path}.{name}", value, f"must have value greater than or equal to "
                          f"{low:g}")
    if high is not None and value > high:
        raise coral_error(f"{path}.{name}", value, f"must have value less than or equal to "
                          f"{high:g}")


def _check_converse(body: Mapping[str, Any]) -> list[Any]:
    """Converse's checks, in AWS's wording; returns the messages."""
    messages = body.get("messages")
    if messages is not None and not isinstance(messages, list):
        raise coral_error("messages", messages, "must be a list")
    for i, message in enumerate(messages or []):
        if not isinstance(message, Mapping):
            raise coral_error(f"messages.{i + 1}.member", message, "must be a structure")
        role = message.get("role")
        if role not in ("user", "assistant"):
            raise coral_error(f"messages.{i + 1}.member.role", role,
                              "must satisfy enum value set: [user, assistant]")
        if not isinstance(message.get("content"), list):
            raise coral_error(f"messages.{i + 1}.member.content", message.get("content"),
                              "must not be null" if message.get("content") is None
                              else "must be a list of content blocks")
    if not messages or messages[0].get("role") != "user":
        raise ApiError(400, "A conversation must start with a user message. Try again with a "
                       "conversation that starts with a user message.",
                       type="ValidationException")
    config = body.get("inferenceConfig")
    if config is not None:
        if not isinstance(config, Mapping):
            raise coral_error("inferenceConfig", config, "must be a structure")
        _number(config, "inferenceConfig", "maxTokens", 1, None, True)
        _number(config, "inferenceConfig", "temperature", 0, 1, False)
        _number(config, "inferenceConfig", "topP", 0, 1, False)
    for name in ("system",):
        if body.get(name) is not None and not isinstance(body[name], list):
            raise coral_error(name, body[name], "must be a list of content blocks")
    return messages


def converse_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """A Converse request: the model from the path, streaming when the path says so."""
    messages = _check_converse(body)
    system = text_of(body.get("system") or [])
    prompt = sum(count_tokens(text_of(m.get("content"))) for m in messages) + 7
    prompt += count_tokens(system) if system else 0
    tools = body.get("toolConfig")
    return RequestView(
        api="bedrock_converse", path=path, model=params.get("modelId", ""),
        stream=path.endswith("/converse-stream"), user_text=last_user_text(messages),
        prompt_tokens=prompt, tools=bool(isinstance(tools, Mapping) and tools.get("tools")),
        body=body,
    )


def converse_sample(model: str, message: str, stream: bool) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": [{"text": message}]}],
            "inferenceConfig": {"maxTokens": 512}}


RENDERER = Renderer(
    view=converse_view, events=converse_events, body=converse_body,
    error_body=bedrock_error_body, headers=bedrock_headers, error_event=bedrock_error_event,
    gate=bedrock_gate, model_info=bedrock_model_info, unknown_model=bedrock_unknown_model,
    error_headers=bedrock_error_headers, sample=converse_sample,
)
