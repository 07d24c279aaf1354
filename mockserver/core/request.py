"""Validate request bodies the way the real API does, and reduce them to a `RequestView`.

Wrong types and ranges of known fields get the real API's 400 wording and `param`/`code`
(e.g. `temperature: "hot"` -> `Invalid type for 'temperature': expected a decimal, but got a
string instead.`); the view carries only what rendering needs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from mockserver.errors import ApiError

__all__ = ["RequestView", "parse_json_body", "view_for", "validate_fields", "last_user_text"]

_TYPE_WORDS = {
    bool: "a boolean", int: "an integer", float: "a decimal", str: "a string",
    list: "an array", dict: "an object",
}

# field -> (type, minimum, maximum) for chat/completions/responses/messages bodies
_NUMERIC_FIELDS: dict[str, tuple[type, float | None, float | None]] = {
    "temperature": (float, 0, 2),
    "top_p": (float, 0, 1),
    "presence_penalty": (float, -2, 2),
    "frequency_penalty": (float, -2, 2),
    "n": (int, 1, 128),
    "max_tokens": (int, 1, None),
    "max_completion_tokens": (int, 1, None),
    "max_output_tokens": (int, 16, None),
    "top_logprobs": (int, 0, 20),
    "seed": (int, None, None),
    "dimensions": (int, 1, None),
}
_TYPED_FIELDS: dict[str, type] = {
    "stream": bool, "logprobs": bool, "parallel_tool_calls": bool, "store": bool,
    "user": str, "stream_options": dict, "tools": list, "metadata": dict,
    "response_format": dict, "instructions": str, "system": (str, list),  # type: ignore[dict-item]
}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_WORDS.get(type(value), type(value).__name__)


def _bad_type(name: str, expected: str, value: Any) -> ApiError:
    got = _type_name(value)
    return ApiError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {got} instead.",
        param=name,
        code="invalid_type",
    )


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """Parse a request body as a JSON object, or raise the real API's 400."""
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, UnicodeDecodeError):
        body = None
        invalid = True
    else:
        invalid = False
    if invalid or not isinstance(body, dict):
        raise ApiError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you "
            "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
            "but what was sent was not valid JSON.)",
        )
    return body


def validate_fields(body: Mapping[str, Any]) -> None:
    """Check the types and ranges of the known optional fields present in `body`."""
    for name, (kind, low, high) in _NUMERIC_FIELDS.items():
        if name not in body or body[name] is None:
            continue
        value = body[name]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind is int:
            ok = ok and float(value).is_integer()
        if not ok:
            raise _bad_type(name, _TYPE_WORDS[kind], value)
        word = "decimal" if kind is float else "integer"
        if low is not None and float(value) < low:
            raise ApiError(
                400,
                f"Invalid '{name}': {word} below minimum value. Expected a value >= {low:g}, "
                f"but got {value} instead.",
                param=name, code=f"{word}_below_min_value",
            )
        if high is not None and float(value) > high:
            raise ApiError(
                400,
                f"Invalid '{name}': {word} above maximum value. Expected a value <= {high:g}, "
                f"but got {value} instead.",
                param=name, code=f"{word}_above_max_value",
            )
    for name, kind in _TYPED_FIELDS.items():
        if name in body and body[name] is not None and not isinstance(body[name], kind):
            expected = _TYPE_WORDS.get(kind, "a string or an array")
            raise _bad_type(name, expected, body[name])
    options = body.get("stream_options")
    if options is not None and not body.get("stream"):
        raise ApiError(
            400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            param="stream_options", code=None,
        )


def _require(body: Mapping[str, Any], name: str) -> Any:
    if name not in body or body[name] is None:
        if name == "model":
            raise ApiError(400, "you must provide a model parameter")
        raise ApiError(
            400, f"Missing required parameter: '{name}'.", param=name,
            code="missing_required_parameter",
        )
    return body[name]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, Mapping):
                text = part.get("text")
                if isinstance(text, str):
                    parts.append(text)
        return " ".join(parts)
    return ""


def last_user_text(messages: Any) -> str:
    """The text of the last user message (chat `messages`, Responses `input`, Anthropic)."""
    if isinstance(messages, str):
        return messages
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, Mapping) and message.get("role", "user") == "user":
                return _text_of(message.get("content"))
    return ""


@dataclass(frozen=True)
class RequestView:
    """What rendering needs to know about one validated request."""

    api: str  # chat | completions | responses | messages | embeddings | models | model
    path: str
    model: str | None = None
    stream: bool = False
    n: int = 1
    include_usage: bool = False
    include_obfuscation: bool = True
    user_text: str = ""
    prompt_tokens: int = 1
    tools: bool = False
    encoding_format: str = "float"
    inputs: tuple[str, ...] = ()
    dimensions: int | None = None
    body: Mapping[str, Any] = field(default_factory=dict, compare=False)


def _count_tokens(text: str) -> int:
    return max(1, len(text.split()))


def _check_messages(messages: Any) -> None:
    if not isinstance(messages, list):
        raise _bad_type("messages", "an array", messages)
    if not messages:
        raise ApiError(
            400, "Invalid 'messages': empty array. Expected an array with minimum length 1, "
            "but got an empty array instead.", param="messages", code="empty_array",
        )
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise _bad_type(f"messages[{i}]", "an object", message)
        role = message.get("role")
        if role not in ("system", "user", "assistant", "tool", "developer", "function"):
            raise ApiError(
                400, f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', "
                "'user', 'function', 'tool', and 'developer'.",
                param=f"messages[{i}].role", code="invalid_value",
            )


_ANTHROPIC_FIELDS: dict[str, tuple[type | tuple[type, ...], str, float | None, float | None]] = {
    "model": (str, "a valid string", None, None),
    "max_tokens": (int, "a valid integer", 1, None),
    "messages": (list, "a valid list", None, None),
    "temperature": ((int, float), "a valid number", 0, 1),
    "top_p": ((int, float), "a valid number", 0, 1),
    "top_k": (int, "a valid integer", 0, None),
    "stream": (bool, "a valid boolean", None, None),
    "system": ((str, list), "a valid string or list", None, None),
}


def _check_anthropic(body: Mapping[str, Any]) -> tuple[str, int]:
    """Anthropic's validation, with its pydantic-style wording ("max_tokens: Field required")."""
    for name, (kind, word, low, high) in _ANTHROPIC_FIELDS.items():
        value: Any = body.get(name)
        if value is None:
            if name in ("model", "max_tokens", "messages"):
                raise ApiError(400, f"{name}: Field required", param=name)
            continue
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ApiError(400, f"{name}: Input should be {word}", param=name)
        number = cast(float, value)  # numeric: only numeric fields have bounds
        if low is not None and number < low:
            raise ApiError(400, f"{name}: Input should be greater than or equal to {low}",
                           param=name)
        if high is not None and number > high:
            raise ApiError(400, f"{name}: Input should be less than or equal to {high}", param=name)
    messages = body["messages"]
    if not messages:
        raise ApiError(400, "messages: at least one message is required", param="messages")
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, Mapping) else None
        if role == "system":
            raise ApiError(400, 'messages: Unexpected role "system". The Messages API accepts a '
                           'top-level `system` parameter, not "system" as an input message role.')
        if role not in ("user", "assistant"):
            raise ApiError(400, f"messages.{i}.role: Input should be 'user' or 'assistant'")
    system = body.get("system")
    words = sum(_count_tokens(_text_of(m.get("content"))) for m in messages)
    return last_user_text(messages), words + (_count_tokens(_text_of(system)) if system else 0) + 7


def view_for(api: str, path: str, body: Mapping[str, Any]) -> RequestView:
    """Validate `body` for `api` and return its view (raises `ApiError` with a 400)."""
    checked = _check_anthropic(body) if api == "messages" else ("", 0)
    if api == "responses" and body.get("model") is None:
        raise ApiError(400, "Missing required parameter: 'model'.", param="model",
                       code="missing_required_parameter")
    model = _require(body, "model")
    if not isinstance(model, str):
        raise _bad_type("model", "a string", model)
    validate_fields(body)
    stream = bool(body.get("stream", False))
    options = body.get("stream_options") or {}
    include_usage = bool(options.get("include_usage", False))
    obfuscation = bool(options.get("include_obfuscation", True))
    if api == "chat":
        messages = _require(body, "messages")
        _check_messages(messages)
        text = last_user_text(messages)
        prompt = sum(_count_tokens(_text_of(m.get("content"))) for m in messages) + 7
    elif api == "completions":
        prompt_raw = _require(body, "prompt")
        if not isinstance(prompt_raw, (str, list)):
            raise _bad_type("prompt", "a string or an array", prompt_raw)
        text = prompt_raw if isinstance(prompt_raw, str) else " ".join(map(str, prompt_raw))
        prompt = _count_tokens(text)
    elif api == "responses":
        raw_input = body.get("input", "")
        if raw_input is not None and not isinstance(raw_input, (str, list)):
            raise _bad_type("input", "a string or an array", raw_input)
        text = last_user_text(raw_input)
        prompt = _count_tokens(text) + 7
    elif api == "messages":
        text, prompt = checked
    elif api == "embeddings":
        raw = _require(body, "input")
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not items:
            raise _bad_type("input", "a string or an array", raw)
        inputs = tuple(x if isinstance(x, str) else json.dumps(x) for x in items)
        fmt = body.get("encoding_format", "float")
        if fmt not in ("float", "base64"):
            raise ApiError(
                400, f"Invalid value: '{fmt}'. Supported values are: 'float' and 'base64'.",
                param="encoding_format", code="invalid_value",
            )
        return RequestView(
            api=api, path=path, model=model, inputs=inputs, encoding_format=fmt,
            dimensions=body.get("dimensions"), prompt_tokens=sum(map(_count_tokens, inputs)),
            body=body,
        )
    else:  # pragma: no cover - routes only call known apis
        raise ValueError(api)
    return RequestView(
        api=api, path=path, model=model, stream=stream, n=int(body.get("n") or 1),
        include_usage=include_usage, include_obfuscation=obfuscation, user_text=text,
        prompt_tokens=prompt, tools=bool(body.get("tools")), body=body,
    )
