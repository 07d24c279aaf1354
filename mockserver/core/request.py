"""Validate request bodies the way the real API does, and reduce them to a `RequestView`.

Wrong types and ranges of known fields get the real API's 400 wording and `param`/`code`
(e.g. `temperature: "hot"` -> `Invalid type for 'temperature': expected a decimal, but got a
string instead.`); the view carries only what rendering needs. Each format reads its own
request (`Renderer.view` in core/formats/) with the checks shared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.strict_json import StrictJSONError, loads
from mockserver.errors import ApiError

__all__ = [
    "RequestView", "parse_json_body", "parse_json_value", "validate_fields", "checked_model",
    "stream_view", "require", "bad_type", "text_of", "last_user_text", "count_tokens",
]

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


def bad_type(name: str, expected: str, value: Any) -> ApiError:
    got = _type_name(value)
    return ApiError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {got} instead.",
        param=name,
        code="invalid_type",
    )


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """Parse a request body as a strict JSON object (core/strict_json.py: no NaN or Infinity,
    no lone surrogate, at most 256 levels deep), or raise the real API's 400. The reason
    goes to the server log (`ApiError.detail`), not to the client: the API words it the same
    for every unparseable body."""
    body = parse_json_value(raw)
    if not isinstance(body, dict):
        raise _unparseable(f"the body is a JSON {type(body).__name__}, not an object")
    return body


def parse_json_value(raw: bytes) -> Any:
    """Parse a request body as strict JSON of any kind (an object or not), or raise the same
    400 as `parse_json_body`: for a body the mock only forwards (`serve --upstream`)."""
    if not raw:
        raise _unparseable("the body is empty")
    try:
        return loads(raw)
    except StrictJSONError as exc:
        raise _unparseable(exc.reason) from None


def _unparseable(reason: str) -> ApiError:
    return ApiError(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you "
        "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
        "but what was sent was not valid JSON.)",
        detail=reason,
    )


def validate_fields(body: Mapping[str, Any]) -> None:
    """Check the types and ranges of the known optional fields present in `body`."""
    for name, (kind, low, high) in _NUMERIC_FIELDS.items():
        if name not in body or body[name] is None:
            continue
        value = body[name]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind is int and isinstance(value, float):
            ok = value.is_integer()
        if not ok:
            raise bad_type(name, _TYPE_WORDS[kind], value)
        word = "decimal" if kind is float else "integer"
        # compared as given: float() of a 400-digit integer raises OverflowError
        if low is not None and value < low:
            raise ApiError(
                400,
                f"Invalid '{name}': {word} below minimum value. Expected a value >= {low:g}, "
                f"but got {value} instead.",
                param=name, code=f"{word}_below_min_value",
            )
        if high is not None and value > high:
            raise ApiError(
                400,
                f"Invalid '{name}': {word} above maximum value. Expected a value <= {high:g}, "
                f"but got {value} instead.",
                param=name, code=f"{word}_above_max_value",
            )
    for name, kind in _TYPED_FIELDS.items():
        if name in body and body[name] is not None and not isinstance(body[name], kind):
            expected = _TYPE_WORDS.get(kind, "a string or an array")
            raise bad_type(name, expected, body[name])
    options = body.get("stream_options")
    if options is not None and not body.get("stream"):
        raise ApiError(
            400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            param="stream_options", code=None,
        )


def require(body: Mapping[str, Any], name: str) -> Any:
    if name not in body or body[name] is None:
        if name == "model":
            raise ApiError(400, "you must provide a model parameter")
        raise ApiError(
            400, f"Missing required parameter: '{name}'.", param=name,
            code="missing_required_parameter",
        )
    return body[name]


def text_of(content: Any) -> str:
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
                return text_of(message.get("content"))
    return ""


@dataclass(frozen=True)
class RequestView:
    """What rendering needs to know about one validated request."""

    api: str  # the format's name (core/formats/registry.py): chat, completions, responses, ...
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


def count_tokens(text: str) -> int:
    return max(1, len(text.split()))


def checked_model(body: Mapping[str, Any]) -> str:
    """The request's model, after the checks every OpenAI-style body gets: `model` present and
    a string, and the known optional fields of the right types and ranges."""
    model = require(body, "model")
    if not isinstance(model, str):
        raise bad_type("model", "a string", model)
    validate_fields(body)
    return model


def stream_view(api: str, path: str, body: Mapping[str, Any], model: str, *, text: str,
                prompt: int) -> RequestView:
    """The view of a request that can stream, once its format has checked its own fields:
    the stream flag and `stream_options`, `n`, whether tools were offered."""
    options = body.get("stream_options") or {}
    return RequestView(
        api=api, path=path, model=model, stream=bool(body.get("stream", False)),
        n=int(body.get("n") or 1), include_usage=bool(options.get("include_usage", False)),
        include_obfuscation=bool(options.get("include_obfuscation", True)), user_text=text,
        prompt_tokens=prompt, tools=bool(body.get("tools")), body=body,
    )
