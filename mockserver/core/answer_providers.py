"""Readers of the providers' answers (core/answer.py dispatches to them): each event or JSON
body of Gemini, Ollama, Cohere v2 and Bedrock Converse read back into what a script says, the
inverse of core/formats/<provider>.py, so a recording of a provider route replays with its
text, tool calls, finish reason and usage.

    gemini     candidates[0].content.parts[] (text, thought, functionCall), finishReason,
               usageMetadata; a body is one such chunk
    ollama     message.content / response, thinking, message.tool_calls, done_reason,
               prompt_eval_count / eval_count; a body is the one `done` object
    cohere     typed events (content-delta, tool-plan-delta, tool-call-start/-delta,
               message-end); a body is the ChatResponse
    converse   Bedrock ConverseStream events, told apart by their fields (the event name is in
               the message's headers, not the payload); a body is the Converse answer

Each reader takes a decoded JSON value and a `Reading`, and ignores what it does not know.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from mockserver.core.reading import Reading, tokens

__all__ = [
    "KINDS", "gemini", "ollama", "cohere_event", "cohere_body", "converse_event", "converse_body",
]

_GEMINI_FINISH = {"STOP": "stop", "MAX_TOKENS": "length", "SAFETY": "content_filter",
                  "RECITATION": "content_filter", "PROHIBITED_CONTENT": "content_filter",
                  "BLOCKLIST": "content_filter", "SPII": "content_filter"}
_OLLAMA_FINISH = {"stop": "stop", "length": "length"}
_COHERE_FINISH = {"COMPLETE": "stop", "STOP_SEQUENCE": "stop", "MAX_TOKENS": "length",
                  "TOOL_CALL": "tool_calls", "ERROR": "content_filter"}
_BEDROCK_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "tool_use": "tool_calls",
                   "max_tokens": "length", "content_filtered": "content_filter",
                   "guardrail_intervened": "content_filter"}


def _ollama_kind(data: str) -> str:
    if data.startswith('{"error"'):
        return "error"
    if '"done":true' in data:
        return "done"
    return "tool" if '"tool_calls"' in data else "content"


def _gemini_kind(data: str) -> str:
    if data.startswith('{"error"') or data.startswith('{\n  "error"'):
        return "error"
    return "finish" if '"finishReason"' in data else "content"


#: the `kind` of a provider event that carries no name, by its own markers (answer.kind_of)
KINDS: dict[str, Callable[[str], str]] = {"ollama": _ollama_kind, "gemini": _gemini_kind}


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _arguments(value: Any) -> str:
    """Tool arguments as a script holds them: JSON text (an object is written out)."""
    return value if isinstance(value, str) else json.dumps(value if value is not None else {})


def _finish(reading: Reading, reason: str | None) -> None:
    """A stop with tool calls is the script's `tool_calls` (Gemini and Ollama say STOP)."""
    if reason is not None:
        reading.finish = "tool_calls" if reason == "stop" and reading.calls else reason


def gemini(payload: Any, reading: Reading) -> None:
    """One streamed GenerateContentResponse, or the whole non-stream one."""
    payload = _map(payload)
    for candidate in (payload.get("candidates") or ())[:1]:
        candidate = _map(candidate)
        for part in _map(candidate.get("content")).get("parts") or ():
            part = _map(part)
            if isinstance(part.get("text"), str):
                (reading.reasoning if part.get("thought") else reading.pieces).append(part["text"])
            call = _map(part.get("functionCall"))
            if call:
                entry = reading.call(len(reading.calls))
                entry.update(name=str(call.get("name") or ""),
                             arguments=_arguments(call.get("args")))
        if candidate.get("finishReason"):
            _finish(reading, _GEMINI_FINISH.get(str(candidate["finishReason"]), "stop"))
    usage = _map(payload.get("usageMetadata"))
    tokens({"prompt_tokens": usage.get("promptTokenCount"),
            "completion_tokens": usage.get("candidatesTokenCount")}, reading)


def ollama(payload: Any, reading: Reading) -> None:
    """One NDJSON line of /api/chat or /api/generate, or a non-stream answer."""
    payload = _map(payload)
    message = _map(payload.get("message"))
    text = message.get("content", payload.get("response"))
    if isinstance(text, str):
        reading.pieces.append(text)
    thinking = message.get("thinking", payload.get("thinking"))
    if isinstance(thinking, str):
        reading.reasoning.append(thinking)
    for call in message.get("tool_calls") or ():
        function = _map(_map(call).get("function"))
        entry = reading.call(len(reading.calls))
        entry.update(id=str(_map(call).get("id") or ""), name=str(function.get("name") or ""),
                     arguments=_arguments(function.get("arguments")))
    tokens({"prompt_tokens": payload.get("prompt_eval_count"),
            "completion_tokens": payload.get("eval_count")}, reading)
    if payload.get("done") is True:
        _finish(reading, _OLLAMA_FINISH.get(str(payload.get("done_reason")), "stop"))


def _cohere_usage(usage: Any, reading: Reading) -> None:
    tokens(_map(usage).get("billed_units"), reading)


def cohere_event(payload: Any, reading: Reading) -> None:
    """One typed event of a Cohere v2 chat stream."""
    payload = _map(payload)
    kind, delta = payload.get("type"), _map(_map(payload.get("delta")).get("message"))
    if kind == "content-delta":
        reading.pieces.append(str(_map(delta.get("content")).get("text", "")))
    elif kind == "tool-plan-delta":
        reading.reasoning.append(str(delta.get("tool_plan", "")))
    elif kind in ("tool-call-start", "tool-call-delta"):
        call = _map(delta.get("tool_calls"))
        entry = reading.call(payload.get("index"))
        function = _map(call.get("function"))
        if kind == "tool-call-start":
            entry.update(id=str(call.get("id") or ""), name=str(function.get("name") or ""))
        entry["arguments"] += str(function.get("arguments") or "")
    elif kind == "message-end":
        end = _map(payload.get("delta"))
        _cohere_usage(end.get("usage"), reading)
        reading.finish = _COHERE_FINISH.get(str(end.get("finish_reason")), "stop")


def cohere_body(body: Any, reading: Reading) -> None:
    """A non-stream Cohere v2 ChatResponse."""
    body = _map(body)
    message = _map(body.get("message"))
    for block in message.get("content") or ():
        if _map(block).get("type") == "text":
            reading.pieces.append(str(_map(block).get("text", "")))
    if isinstance(message.get("tool_plan"), str):
        reading.reasoning.append(message["tool_plan"])
    for i, call in enumerate(message.get("tool_calls") or ()):
        function = _map(_map(call).get("function"))
        reading.calls[i] = {"id": str(_map(call).get("id") or ""),
                            "name": str(function.get("name") or ""),
                            "arguments": _arguments(function.get("arguments"))}
    _cohere_usage(body.get("usage"), reading)
    if body.get("finish_reason"):
        reading.finish = _COHERE_FINISH.get(str(body["finish_reason"]), "stop")


def _converse_usage(usage: Any, reading: Reading) -> None:
    usage = _map(usage)
    tokens({"prompt_tokens": usage.get("inputTokens"),
            "completion_tokens": usage.get("outputTokens")}, reading)


def converse_event(payload: Any, reading: Reading) -> None:
    """One ConverseStream event: contentBlockStart (`start`), contentBlockDelta (`delta`),
    messageStop (`stopReason`), metadata (`usage`)."""
    payload = _map(payload)
    index = payload.get("contentBlockIndex")
    tool = _map(_map(payload.get("start")).get("toolUse"))
    if tool:
        reading.call(index).update(id=str(tool.get("toolUseId") or ""),
                                   name=str(tool.get("name") or ""))
    delta = _map(payload.get("delta"))
    if isinstance(delta.get("text"), str):
        reading.pieces.append(delta["text"])
    text = _map(delta.get("reasoningContent")).get("text")
    if isinstance(text, str):
        reading.reasoning.append(text)
    if "toolUse" in delta:
        reading.call(index)["arguments"] += str(_map(delta["toolUse"]).get("input") or "")
    if payload.get("stopReason"):
        reading.finish = _BEDROCK_FINISH.get(str(payload["stopReason"]), "stop")
    _converse_usage(payload.get("usage"), reading)


def converse_body(body: Any, reading: Reading) -> None:
    """The Converse answer: output.message.content blocks, stopReason, usage."""
    body = _map(body)
    for block in _map(_map(body.get("output")).get("message")).get("content") or ():
        block = _map(block)
        if isinstance(block.get("text"), str):
            reading.pieces.append(block["text"])
        text = _map(_map(block.get("reasoningContent")).get("reasoningText")).get("text")
        if isinstance(text, str):
            reading.reasoning.append(text)
        tool = _map(block.get("toolUse"))
        if tool:
            reading.calls[len(reading.calls)] = {
                "id": str(tool.get("toolUseId") or ""), "name": str(tool.get("name") or ""),
                "arguments": _arguments(tool.get("input"))}
    if body.get("stopReason"):
        reading.finish = _BEDROCK_FINISH.get(str(body["stopReason"]), "stop")
    _converse_usage(body.get("usage"), reading)
