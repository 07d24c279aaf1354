"""Gemini requests: validation in Google's words, API keys, and the model catalogue.

    POST /v1beta/models/{model}:generateContent          (and /v1/..., google-genai 3's default)
    POST /v1beta/models/{model}:streamGenerateContent    `?alt=sse`: always SSE here
    GET  /v1beta/models, /v1beta/models/{model}          the catalogue (MODELS, `listing`)

A GenerateContentRequest is proto JSON: camelCase or snake_case names, an unknown name is a
400 (`Invalid JSON payload received. Unknown name "x": Cannot find field.`), a value of the
wrong type names the proto field and its type (`Invalid value at 'generation_config.
temperature' (TYPE_FLOAT), "hot"`), a request without `contents` is `* GenerateContentRequest.
contents: contents is not specified`. Errors raised here carry Google's canonical status
(`INVALID_ARGUMENT`, ...) as their type; gemini.py writes the google.rpc body.

Keys: `x-goog-api-key` or `?key=`. With `--api-key`, a missing key is 403 PERMISSION_DENIED,
a wrong one 400 INVALID_ARGUMENT with reason API_KEY_INVALID, as the real API answers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mockserver.core.models import ModelInfo
from mockserver.core.request import RequestView, count_tokens
from mockserver.errors import ApiError

__all__ = [
    "gemini_view", "gemini_gate", "gemini_model_info", "gemini_unknown_model", "gemini_sample",
    "gemini_listing", "model_resource", "GEMINI_MODELS", "REQUEST_FIELDS",
]

#: top-level GenerateContentRequest fields (proto JSON accepts both spellings)
REQUEST_FIELDS = frozenset({
    "model", "contents", "systemInstruction", "system_instruction", "tools", "toolConfig",
    "tool_config", "safetySettings", "safety_settings", "generationConfig", "generation_config",
    "cachedContent", "cached_content", "labels", "serviceTier", "service_tier", "store",
})
#: generationConfig fields whose type is checked: proto name -> (proto type, Python types)
_NUMBERS: dict[str, tuple[str, str, tuple[type, ...]]] = {
    "temperature": ("temperature", "TYPE_FLOAT", (int, float)),
    "topP": ("top_p", "TYPE_FLOAT", (int, float)),
    "topK": ("top_k", "TYPE_INT32", (int,)),
    "candidateCount": ("candidate_count", "TYPE_INT32", (int,)),
    "maxOutputTokens": ("max_output_tokens", "TYPE_INT32", (int,)),
    "presencePenalty": ("presence_penalty", "TYPE_FLOAT", (int, float)),
    "frequencyPenalty": ("frequency_penalty", "TYPE_FLOAT", (int, float)),
    "seed": ("seed", "TYPE_INT32", (int,)),
}
_ROLES = ("user", "model", "function", "tool")

#: id -> (display name, input limit, output limit, thinking)
GEMINI_MODELS: dict[str, tuple[str, int, int, bool]] = {
    "gemini-3-pro-preview": ("Gemini 3 Pro Preview", 1048576, 65536, True),
    "gemini-2.5-pro": ("Gemini 2.5 Pro", 1048576, 65536, True),
    "gemini-2.5-flash": ("Gemini 2.5 Flash", 1048576, 65536, True),
    "gemini-2.5-flash-lite": ("Gemini 2.5 Flash-Lite", 1048576, 65536, True),
    "gemini-2.0-flash": ("Gemini 2.0 Flash", 1048576, 8192, False),
    "gemini-2.0-flash-lite": ("Gemini 2.0 Flash-Lite", 1048576, 8192, False),
    "gemini-flash-latest": ("Gemini Flash Latest", 1048576, 65536, True),
    "gemini-pro-latest": ("Gemini Pro Latest", 1048576, 65536, True),
}
_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]


def _invalid(message: str) -> ApiError:
    return ApiError(400, message, type="INVALID_ARGUMENT")


def _get(body: Mapping[str, Any], camel: str, snake: str) -> Any:
    return body[camel] if camel in body else body.get(snake)


def _text_of(content: Any) -> str:
    parts = content.get("parts") if isinstance(content, Mapping) else None
    texts = [p["text"] for p in parts or () if isinstance(p, Mapping)
             and isinstance(p.get("text"), str)]
    return " ".join(texts)


def _check_contents(contents: Any) -> None:
    if contents is None or contents == []:
        raise _invalid("* GenerateContentRequest.contents: contents is not specified\n")
    if not isinstance(contents, list):
        raise _invalid("Invalid value at 'contents' (type.googleapis.com/google.ai."
                       f"generativelanguage.v1beta.Content), {json.dumps(contents)}")
    for i, content in enumerate(contents):
        if not isinstance(content, Mapping):
            raise _invalid(f"Invalid value at 'contents[{i}]' (type.googleapis.com/google.ai."
                           f"generativelanguage.v1beta.Content), {json.dumps(content)}")
        role = content.get("role")
        if role not in (None, "", *_ROLES):
            raise _invalid("Please use a valid role: user, model.")
        parts = content.get("parts")
        if not isinstance(parts, list) or not parts:
            raise _invalid(f"* GenerateContentRequest.contents[{i}].parts: contents.parts must "
                           "not be empty.\n")


def _check_config(config: Any) -> None:
    if config is None:
        return
    if not isinstance(config, Mapping):
        raise _invalid("Invalid value at 'generation_config' (type.googleapis.com/google.ai."
                       f"generativelanguage.v1beta.GenerationConfig), {json.dumps(config)}")
    for camel, (snake, proto, kinds) in _NUMBERS.items():
        value = _get(config, camel, snake)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise _invalid(f"Invalid value at 'generation_config.{snake}' ({proto}), "
                           f"{json.dumps(value)}")


def gemini_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """A GenerateContentRequest; the model comes from the path, the stream flag from the
    method (`:streamGenerateContent` always streams)."""
    for name in body:
        if name not in REQUEST_FIELDS:
            raise _invalid(f'Invalid JSON payload received. Unknown name "{name}": '
                           "Cannot find field.")
    contents: list[Any] = body.get("contents")  # type: ignore[assignment]  # checked next
    _check_contents(contents)
    _check_config(_get(body, "generationConfig", "generation_config"))
    user = [c for c in contents if c.get("role") in (None, "", "user")]
    system = _get(body, "systemInstruction", "system_instruction")
    prompt = sum(count_tokens(_text_of(c)) for c in contents)
    if isinstance(system, Mapping):
        prompt += count_tokens(_text_of(system))
    return RequestView(
        api="gemini", path=path, model=params.get("model", ""),
        stream=path.endswith(":streamGenerateContent"),
        user_text=_text_of(user[-1]) if user else "", prompt_tokens=prompt,
        tools=bool(body.get("tools")), body=body,
    )


def gemini_gate(api_key: str | None, headers: Mapping[str, str],
                query: Mapping[str, str]) -> None:
    """With `--api-key`: the key in `x-goog-api-key` or `?key=` (Google's own answers)."""
    if api_key is None:
        return
    given = headers.get("x-goog-api-key") or query.get("key")
    if given == api_key:
        return
    if not given:
        raise ApiError(403, "Method doesn't allow unregistered callers (callers without "
                       "established identity). Please use API Key or other form of API "
                       "consumer identity to call this API.", type="PERMISSION_DENIED")
    raise ApiError(400, "API key not valid. Please pass a valid API key.",
                   type="INVALID_ARGUMENT", code="API_KEY_INVALID")


def gemini_model_info(model: str) -> ModelInfo | None:
    """Gemini's own model ids (the known models of SPEC 2.1 are accepted before this)."""
    name = model.removeprefix("models/")
    return ModelInfo(name, owned_by="google") if name in GEMINI_MODELS else None


def gemini_unknown_model(model: str) -> ApiError:
    return ApiError(404, f"models/{model} is not found for API version v1beta, or is not "
                    "supported for generateContent. Call ListModels to see the list of "
                    "available models and their supported methods.", type="NOT_FOUND")


def gemini_sample(model: str, message: str, stream: bool) -> dict[str, Any]:
    """The body google-genai sends for one user message (`mockserver play`)."""
    return {"contents": [{"parts": [{"text": message}], "role": "user"}]}


def model_resource(model: str) -> dict[str, Any]:
    """A Model resource as `GET /v1beta/models` lists it (unknown ids get generic limits)."""
    display, limit_in, limit_out, thinking = GEMINI_MODELS.get(
        model, (model, 1048576, 65536, False))
    resource: dict[str, Any] = {
        "name": f"models/{model}", "version": "001", "displayName": display,
        "description": f"{display}, served by mockserver.", "inputTokenLimit": limit_in,
        "outputTokenLimit": limit_out, "supportedGenerationMethods": list(_METHODS),
        "temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2,
    }
    if thinking:
        resource["thinking"] = True
    return resource


def gemini_listing(method: str, path: str, params: Mapping[str, str],
                   body: Mapping[str, Any], catalog: Any) -> Any:
    """`GET /v1beta/models`: every Gemini model (gemini-2.5-flash and the provider's ids);
    `GET /v1beta/models/{model}`: one, or 404 NOT_FOUND."""
    if "model" not in params:
        return {"models": [model_resource(m) for m in GEMINI_MODELS]}
    model = params["model"].removeprefix("models/")
    if model not in GEMINI_MODELS and catalog.get(model) is None:
        raise ApiError(404, f"models/{model} is not found for API version v1beta, or is not "
                       "supported for get. Call ListModels to see the list of available "
                       "models and their supported methods.", type="NOT_FOUND")
    return model_resource(model)
