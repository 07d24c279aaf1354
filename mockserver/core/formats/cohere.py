"""Render content as Cohere's Chat API v2 (`POST /v2/chat`), stream and non-stream.

Stream: typed SSE, `event: <type>` then `data: <compact JSON>` whose `type` repeats it, in the
order of the v2 reference and the SDK's event types (cohere.v2 `StreamedChatResponseV2`):

    message-start      {"id","type","delta":{"message":{"role":"assistant","content":[],
                       "tool_plan":"","tool_calls":[],"citations":[]}}}
    tool-plan-delta*   {"type","delta":{"message":{"tool_plan": piece}}}      (reasoning)
    content-start      {"type","index":0,"delta":{"message":{"content":{"type":"text",
                       "text":""}}}}, then content-delta* ({"text": piece}), content-end
    tool-call-start    {"type","index":i,"delta":{"message":{"tool_calls":{"id","type":
                       "function","function":{"name","arguments":""}}}}}, tool-call-delta*
                       (argument fragments), tool-call-end; `index` counts tool calls from 0
    message-end        {"type","delta":{"finish_reason","usage":{"billed_units":{..},
                       "tokens":{..},"cached_tokens":0}}}
    data: [DONE]       the terminator the v2 OpenAPI declares (`x-fern-streaming`)

finish_reason: COMPLETE, MAX_TOKENS, TOOL_CALL, ERROR. Tool-call ids are `<name>_<12 chars>`
(`get_weather_nsz5zm3w56q3`). Non-stream: `{"id","message":{"role","tool_plan","tool_calls",
"content":[{"type":"text","text"}]},"finish_reason","usage"}`. Errors: `{"id","message"}`.
A failure mid-stream is a message-end with `finish_reason: ERROR` and `delta.error`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mockserver.core.content import Call, Content, word_chunks
from mockserver.core.events import Event, dumps
from mockserver.core.formats.base import Renderer
from mockserver.core.formats.drafts import default_error_message
from mockserver.core.ids import rng_for
from mockserver.core.models import ModelInfo
from mockserver.core.request import RequestView, count_tokens, last_user_text, text_of
from mockserver.errors import ApiError
from mockserver.sse.encoder import DONE

__all__ = [
    "cohere_view", "cohere_events", "cohere_body", "cohere_error_body", "cohere_headers",
    "cohere_error_event", "generation_id", "FINISH_REASONS", "COHERE_MODELS", "RENDERER",
]

FINISH_REASONS = {"stop": "COMPLETE", "length": "MAX_TOKENS", "tool_calls": "TOOL_CALL",
                  "function_call": "TOOL_CALL", "content_filter": "ERROR"}
COHERE_MODELS = frozenset({
    "command-a-03-2025", "command-a-reasoning-08-2025", "command-a-vision-07-2025",
    "command-r-plus-08-2024", "command-r-08-2024", "command-r7b-12-2024", "command-r-plus",
    "command-r", "command",
})
_MESSAGES = {
    401: "invalid api token",
    404: "not found",
    429: "You are using a Trial key, which is limited to 20 API calls / minute. You can "
    "continue to use the Trial key for free or upgrade to a Production key with higher rate "
    "limits at 'https://dashboard.cohere.com/api-keys'.",
    500: "internal server error, this has been reported to our developers",
    503: "service unavailable",
}
_ROLES = ("system", "user", "assistant", "tool")
_NUMBERS = {"temperature": (0, None), "p": (0.01, 0.99), "k": (0, 500),
            "frequency_penalty": (0, 1), "presence_penalty": (0, 1), "max_tokens": (1, None)}
_PARSE_ERROR = "We could not parse the JSON body"  # the shared JSON check's wording
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _invalid(message: str) -> ApiError:
    return ApiError(400, f"invalid request: {message}")


def cohere_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """A v2 chat request: `model`, `messages` (roles system, user, assistant, tool)."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _invalid("model must be specified")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _invalid("messages must be a non-empty list")
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, Mapping) else None
        if role not in _ROLES:
            raise _invalid(f"messages[{i}].role must be one of system, user, assistant, tool")
    for name, (low, high) in _NUMBERS.items():
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _invalid(f"{name} must be a number")
        if value < low or (high is not None and value > high):
            limit = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise _invalid(f"{name} must be {limit}")
    if "stream" in body and not isinstance(body["stream"], bool):
        raise _invalid("stream must be a boolean")
    prompt = sum(count_tokens(text_of(m.get("content"))) for m in messages)
    return RequestView(api="cohere", path=path, model=model, stream=bool(body.get("stream")),
                       user_text=last_user_text(messages), prompt_tokens=prompt,
                       tools=bool(body.get("tools")), body=body)


def cohere_gate(api_key: str | None, headers: Mapping[str, str],
                query: Mapping[str, str]) -> None:
    """With `--api-key`: `Authorization: Bearer <key>` (401 `no api key supplied` / `invalid
    api token` otherwise)."""
    if api_key is None:
        return
    auth = headers.get("authorization", "")
    given = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    if given != api_key:
        raise ApiError(401, "invalid api token" if given else "no api key supplied")


def cohere_model_info(model: str) -> ModelInfo | None:
    return ModelInfo(model, owned_by="cohere") if model in COHERE_MODELS else None


def cohere_unknown_model(model: str) -> ApiError:
    return ApiError(404, f"model '{model}' not found, make sure the correct model ID was used "
                    "and that you have access to the model.")


def cohere_sample(model: str, message: str, stream: bool) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": message}],
            "stream": stream}


def generation_id(seed: int, purpose: str = "cohere-id") -> str:
    """A version-4 UUID from the seed (Cohere's response and error ids)."""
    bits = rng_for(seed, purpose).getrandbits(128)
    bits = (bits & ~(0xF << 76)) | (4 << 76)
    bits = (bits & ~(0x3 << 62)) | (0x2 << 62)
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _call_id(seed: int, call: Call) -> str:
    if not (call.id.startswith("call_") and len(call.id) == 29):  # scripted: kept
        return call.id
    rng = rng_for(seed, f"cohere-call:{call.index}")
    return f"{call.name}_" + "".join(rng.choice(_ALNUM) for _ in range(12))


def _usage(content: Content) -> dict[str, Any]:
    billed = {"input_tokens": content.prompt_tokens, "output_tokens": content.completion_tokens}
    tokens = {"input_tokens": content.prompt_tokens + 165,
              "output_tokens": content.completion_tokens}
    return {"billed_units": billed, "tokens": tokens, "cached_tokens": 0}


def _event(payload: dict[str, Any], kind: str) -> Event:
    return Event(payload=payload, data=dumps(payload), event=payload["type"], kind=kind)


def cohere_events(content: Content, request: RequestView, seed: int, model: str
                  ) -> Iterator[Event]:
    """The typed events of a streamed answer, lazily, then `data: [DONE]`."""
    start = {"message": {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [],
                         "citations": []}}
    yield _event({"id": generation_id(seed), "type": "message-start", "delta": start}, "role")
    for piece in word_chunks(content.reasoning or ""):
        yield _event({"type": "tool-plan-delta", "delta": {"message": {"tool_plan": piece}}},
                     "reasoning")
    if content.pieces or not content.calls:
        block = {"message": {"content": {"type": "text", "text": ""}}}
        yield _event({"type": "content-start", "index": 0, "delta": block}, "item")
        for piece in content.pieces:
            delta = {"message": {"content": {"text": piece}}}
            yield _event({"type": "content-delta", "index": 0, "delta": delta}, "content")
        yield _event({"type": "content-end", "index": 0}, "item")
    for call in content.calls:
        first: dict[str, Any] = {"id": _call_id(seed, call), "type": "function",
                                 "function": {"name": call.name, "arguments": ""}}
        yield _event({"type": "tool-call-start", "index": call.index,
                      "delta": {"message": {"tool_calls": first}}}, "tool")
        for fragment in call.fragments:
            more = {"message": {"tool_calls": {"function": {"arguments": fragment}}}}
            yield _event({"type": "tool-call-delta", "index": call.index, "delta": more},
                         "tool")
        yield _event({"type": "tool-call-end", "index": call.index}, "item")
    end = {"finish_reason": FINISH_REASONS.get(content.finish_reason, "COMPLETE"),
           "usage": _usage(content)}
    yield _event({"type": "message-end", "delta": end}, "finish")
    yield Event(data=DONE, kind="done")


def cohere_body(content: Content, request: RequestView, seed: int, model: str
                ) -> dict[str, Any]:
    """The non-stream ChatResponse."""
    message: dict[str, Any] = {"role": "assistant"}
    if content.calls:
        if content.reasoning:
            message["tool_plan"] = content.reasoning
        message["tool_calls"] = [
            {"id": _call_id(seed, c), "type": "function",
             "function": {"name": c.name, "arguments": c.arguments}} for c in content.calls]
    if content.pieces or not content.calls:
        message["content"] = [{"type": "text", "text": content.text}]
    return {"id": generation_id(seed), "message": message,
            "finish_reason": FINISH_REASONS.get(content.finish_reason, "COMPLETE"),
            "usage": _usage(content)}


def cohere_error_body(status: int, message: str, type: str, code: str | None,
                      param: str | None, request_id: str) -> dict[str, Any]:
    """`{"id": <uuid>, "message": ...}`, with Cohere's wording for the defaults."""
    if message.startswith(_PARSE_ERROR):
        message = "invalid request: could not parse the request body as JSON"
    elif message == default_error_message(status) and status in _MESSAGES:
        message = _MESSAGES[status]
    return {"id": generation_id(0, f"cohere-error:{request_id}"), "message": message}


def cohere_headers(headers: list[tuple[str, str]], error: bool) -> list[tuple[str, str]]:
    """Cohere's headers: `x-debug-trace-id` and no-cache directives; no openai-* headers."""
    out: list[tuple[str, str]] = []
    for name, value in headers:
        if name == "x-request-id":
            out.append(("x-debug-trace-id", value[4:]))
        elif not name.startswith(("openai-", "x-ratelimit-")):
            out.append((name, value))
    return out + [
        ("cache-control", "no-cache, no-store, no-transform, must-revalidate, private, "
         "max-age=0"),
        ("expires", "Thu, 01 Jan 1970 00:00:00 UTC"), ("pragma", "no-cache"),
        ("vary", "Origin"), ("x-accel-expires", "0"),
    ]


def cohere_error_event(shape: str, at: int, before: list[Event]) -> Event:
    """A failure mid-stream, as Cohere reports it: message-end with `finish_reason: ERROR`
    and `delta.error` (the SDK yields it as an ordinary event)."""
    end = {"error": "internal server error, this has been reported to our developers",
           "finish_reason": "ERROR",
           "usage": {"billed_units": {"input_tokens": 0, "output_tokens": 0},
                     "tokens": {"input_tokens": 0, "output_tokens": 0}}}
    return _event({"type": "message-end", "delta": end}, "error")


RENDERER = Renderer(
    view=cohere_view, events=cohere_events, body=cohere_body, error_body=cohere_error_body,
    headers=cohere_headers, error_event=cohere_error_event, gate=cohere_gate,
    model_info=cohere_model_info, unknown_model=cohere_unknown_model, sample=cohere_sample,
)
