"""Read a real upstream answer back into what a script says: text pieces, tool calls, finish
reason, usage, reasoning. The inverse of the renderers, one small reader per format.

    upstream events ─► kind_of(fmt, event name, data)    the `kind` tag faults look for
                   └─► read_stream(fmt, events) ─► Response(chunks, tool_calls, finish, usage)
    upstream JSON body ─► read_body(fmt, body) ─► Response(text, tool_calls, finish, usage)

The proxy tags live events with `kind_of` (so `missing_done` finds `[DONE]`), buffers a stream
for the faults that need the whole answer and renders it again from `read_stream`, and the
recorder turns each exchange into a scenario whose `response` is `read_*`'s result. The
providers' readers are in core/answer_providers.py (Gemini, Ollama, Cohere, Bedrock
Converse; Bedrock InvokeModel and Azure are read here as the Anthropic or chat answers they
carry). A format without a reader gets its text from the first text field of each event,
which is enough to replay what was said.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mockserver.core import answer_providers as providers
from mockserver.core.events import Event
from mockserver.core.reading import Reading, tokens
from mockserver.core.response import Response

__all__ = ["kind_of", "read_stream", "read_body", "payload_of"]

_DONE = "[DONE]"
#: Anthropic `stop_reason` and Responses `incomplete_details.reason` -> a script's finish reason
_FINISH = {
    "end_turn": "stop", "stop_sequence": "stop", "pause_turn": "stop", "tool_use": "tool_calls",
    "max_tokens": "length", "refusal": "content_filter", "max_output_tokens": "length",
    "content_filter": "content_filter",
}
#: event name -> kind for the typed streams (Responses, Anthropic, Cohere, Bedrock's messages)
_KINDS = {
    "message_start": "role", "response.created": "role", "message_stop": "stop",
    "message_delta": "finish", "response.completed": "finish", "response.incomplete": "finish",
    "response.failed": "error", "error": "error", "ping": "ping",
    "response.output_text.delta": "content", "response.function_call_arguments.delta": "tool",
    # Cohere v2
    "message-start": "role", "content-delta": "content", "tool-call-start": "tool",
    "tool-call-delta": "tool",
    "tool-plan-delta": "reasoning", "message-end": "finish",
    # Bedrock ConverseStream
    "messageStart": "role", "messageStop": "finish", "metadata": "usage",
}
#: the formats whose typed events are not `content` unless named above
_TYPED = ("messages", "responses", "cohere", "bedrock_converse")


def payload_of(data: str | None) -> Any:
    """The JSON value of an event's data, or None when it is not JSON."""
    if not data or data == _DONE:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def kind_of(fmt: str, name: str | None, data: str) -> str:
    """The `kind` of an upstream event, the tag the renderers give theirs (events.py): cheap
    string checks, no JSON parsing, since every live event passes here."""
    if data == _DONE:
        return "done"
    if name and name != "message":
        if name in _KINDS:
            return _KINDS[name]
        if name == "content_block_delta":
            return "tool" if '"input_json_delta"' in data else "content"
        if name == "contentBlockDelta":
            return "tool" if '"toolUse"' in data else "content"
        if name.endswith("Exception"):  # an AWS event stream's exception message
            return "error"
        return "item" if fmt in _TYPED else "chunk"
    if fmt in providers.KINDS:
        return providers.KINDS[fmt](data)
    if '"finish_reason":"' in data or '"finish_reason": "' in data:
        return "finish"
    if '"choices":[]' in data or '"choices": []' in data:
        return "usage" if '"usage":{' in data or '"usage": {' in data else "empty"
    if '"tool_calls"' in data:
        return "tool"
    if '"delta":{"role":' in data:
        return "role"
    return "content"


def _chat_delta(delta: Mapping[str, Any], reading: Reading) -> None:
    content = delta.get("content")
    if isinstance(content, str):
        reading.pieces.append(content)
    for key in ("reasoning_content", "reasoning"):
        if isinstance(delta.get(key), str):
            reading.reasoning.append(delta[key])
    for i, call in enumerate(delta.get("tool_calls") or ()):
        if not isinstance(call, Mapping):
            continue
        entry = reading.call(call.get("index", i))  # a whole message's calls have no index
        function = call.get("function") or {}
        entry["id"] = entry["id"] or str(call.get("id") or "")
        entry["name"] = entry["name"] or str(function.get("name") or "")
        entry["arguments"] += str(function.get("arguments") or "")


def _chat(payload: Any, reading: Reading) -> None:
    """A chat (or legacy completions) chunk: the first choice's delta or text."""
    if not isinstance(payload, Mapping):
        return
    tokens(payload.get("usage"), reading)
    for choice in payload.get("choices") or ():
        if not isinstance(choice, Mapping) or choice.get("index", 0) != 0:
            continue  # n > 1: the first choice is what a script holds
        if isinstance(choice.get("delta"), Mapping):
            _chat_delta(choice["delta"], reading)
        if isinstance(choice.get("text"), str):
            reading.pieces.append(choice["text"])
        if choice.get("finish_reason"):
            reading.finish = str(choice["finish_reason"])


def _responses(payload: Any, reading: Reading) -> None:
    """One Responses event (`type` names it)."""
    if not isinstance(payload, Mapping):
        return
    kind = payload.get("type", "")
    if kind == "response.output_text.delta":
        reading.pieces.append(str(payload.get("delta", "")))
    elif kind.startswith("response.reasoning") and kind.endswith(".delta"):
        reading.reasoning.append(str(payload.get("delta", "")))
    elif kind == "response.output_item.added":
        item = payload.get("item") or {}
        if item.get("type") == "function_call":
            entry = reading.call(item.get("id") or payload.get("output_index"))
            entry.update(id=str(item.get("call_id") or ""), name=str(item.get("name") or ""))
    elif kind == "response.function_call_arguments.delta":
        reading.call(payload.get("item_id") or payload.get("output_index"))["arguments"] += str(
            payload.get("delta", ""))
    elif kind in ("response.completed", "response.incomplete"):
        _final_response(payload.get("response") or {}, reading)


def _final_response(response: Mapping[str, Any], reading: Reading) -> None:
    tokens(response.get("usage"), reading)
    reason = (response.get("incomplete_details") or {}).get("reason")
    reading.finish = _FINISH.get(str(reason)) if reason else (
        "tool_calls" if reading.calls else "stop")


def _messages(payload: Any, reading: Reading) -> None:
    """One Anthropic Messages event."""
    if not isinstance(payload, Mapping):
        return
    kind = payload.get("type")
    if kind == "message_start":
        tokens((payload.get("message") or {}).get("usage"), reading)
    elif kind == "content_block_start":
        block = payload.get("content_block") or {}
        if block.get("type") == "tool_use":
            entry = reading.call(payload.get("index"))
            entry.update(id=str(block.get("id") or ""), name=str(block.get("name") or ""))
    elif kind == "content_block_delta":
        delta = payload.get("delta") or {}
        if delta.get("type") == "text_delta":
            reading.pieces.append(str(delta.get("text", "")))
        elif delta.get("type") == "thinking_delta":
            reading.reasoning.append(str(delta.get("thinking", "")))
        elif delta.get("type") == "input_json_delta":
            reading.call(payload.get("index"))["arguments"] += str(delta.get("partial_json", ""))
    elif kind == "message_delta":
        out = (payload.get("usage") or {}).get("output_tokens")
        if isinstance(out, int):
            reading.usage["completion_tokens"] = out
        reason = (payload.get("delta") or {}).get("stop_reason")
        if reason:
            reading.finish = _FINISH.get(str(reason), "stop")


_TEXT_KEYS = ("content", "text", "delta", "response")


def _first_text(node: Any) -> str | None:
    """The first string under a text-carrying key (`content`, `text`, `delta`, `response`),
    depth first: Ollama's `message.content`, Gemini's `parts[].text`, ..."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in _TEXT_KEYS and isinstance(value, str):
                return value
            found = _first_text(value)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _first_text(item)
            if found is not None:
                return found
    return None


def _generic(payload: Any, reading: Reading) -> None:
    """A format without its own reader: the first text field of each event."""
    text = _first_text(payload)
    if text:
        reading.pieces.append(text)


def _invoke_event(payload: Any, reading: Reading) -> None:
    """A Bedrock InvokeModelWithResponseStream chunk: `bytes` is the model's own event,
    base64 (Anthropic's Messages events, or chat chunks for the OpenAI-style models)."""
    try:
        inner = json.loads(base64.b64decode(str(payload.get("bytes", "")), validate=True))
    except (AttributeError, ValueError, binascii.Error):
        return
    (_chat if isinstance(inner, Mapping) and "choices" in inner else _messages)(inner, reading)


Reader = Callable[[Any, Reading], None]
#: format -> reader of one streamed event's JSON
_READERS: dict[str, Reader] = {
    "chat": _chat, "completions": _chat, "responses": _responses, "messages": _messages,
    "azure_chat": _chat, "azure_completions": _chat, "gemini": providers.gemini,
    "ollama": providers.ollama, "cohere": providers.cohere_event,
    "bedrock_converse": providers.converse_event, "bedrock_invoke": _invoke_event,
}


def read_stream(fmt: str, events: Iterable[Event]) -> Response:
    """A script's fields from the events of a streamed answer."""
    reading = Reading()
    read = _READERS.get(fmt, _generic)
    for event in events:
        payload = event.payload if event.payload is not None else payload_of(event.data)
        if payload is not None:
            read(payload, reading)
    return reading.response()


def _chat_body(body: Mapping[str, Any], reading: Reading) -> None:
    tokens(body.get("usage"), reading)
    for choice in (body.get("choices") or ())[:1]:
        _chat_delta(choice.get("message") or {}, reading)
        if isinstance(choice.get("text"), str):
            reading.pieces.append(choice["text"])
        reading.finish = choice.get("finish_reason")


def _responses_body(body: Mapping[str, Any], reading: Reading) -> None:
    for item in body.get("output") or ():
        if item.get("type") == "message":
            reading.pieces += [str(c.get("text", "")) for c in item.get("content") or ()
                               if c.get("type") == "output_text"]
        elif item.get("type") == "function_call":
            reading.calls[item.get("id")] = {
                "id": str(item.get("call_id") or ""), "name": str(item.get("name") or ""),
                "arguments": str(item.get("arguments") or "")}
    _final_response(body, reading)


def _messages_body(body: Mapping[str, Any], reading: Reading) -> None:
    tokens(body.get("usage"), reading)
    for i, block in enumerate(body.get("content") or ()):
        if block.get("type") == "text":
            reading.pieces.append(str(block.get("text", "")))
        elif block.get("type") == "thinking":
            reading.reasoning.append(str(block.get("thinking", "")))
        elif block.get("type") == "tool_use":
            reading.calls[i] = {"id": str(block.get("id") or ""),
                                "name": str(block.get("name") or ""),
                                "arguments": json.dumps(block.get("input") or {})}
    reason = body.get("stop_reason")
    reading.finish = _FINISH.get(str(reason), "stop") if reason else None


def _invoke_body(body: Mapping[str, Any], reading: Reading) -> None:
    """Bedrock InvokeModel: the model's own answer (Anthropic's Message, or a chat one)."""
    (_chat_body if "choices" in body else _messages_body)(body, reading)


#: format -> reader of a non-stream JSON answer
_BODY_READERS: dict[str, Reader] = {
    "chat": _chat_body, "completions": _chat_body, "azure_chat": _chat_body,
    "azure_completions": _chat_body, "responses": _responses_body, "messages": _messages_body,
    "bedrock_invoke": _invoke_body, "bedrock_converse": providers.converse_body,
    "gemini": providers.gemini, "ollama": providers.ollama, "cohere": providers.cohere_body,
}


def read_body(fmt: str, body: Any) -> Response:
    """A script's fields from a non-stream JSON answer."""
    reading = Reading()
    if isinstance(body, Mapping):
        _BODY_READERS.get(fmt, _generic)(body, reading)
    return reading.response(text=True)
