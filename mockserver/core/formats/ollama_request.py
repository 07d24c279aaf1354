"""Ollama requests and its model catalogue: /api/chat, /api/generate, /api/tags, /api/show.

Bodies are read as Ollama's Go server binds them (`api.ChatRequest`, `api.GenerateRequest`):
a value of the wrong type is a 400 in Go's words (`json: cannot unmarshal number into Go
struct field ChatRequest.model of type string`), a missing model is `model is required`, and
`stream` defaults to true (only `"stream": false` gets one JSON object). A chat without
messages (or a generate without a prompt) only loads the model: `done_reason: "load"`.

Errors are `{"error": "..."}`. Ollama has no keys; with `--api-key` a request needs
`Authorization: Bearer <key>` (what ollama-python sends from OLLAMA_API_KEY), else 401
`{"error": "unauthorized"}`. Unknown models: 404 `model 'x' not found` (Ollama 0.12 and
later; older releases said `model "x" not found, try pulling it first` on /api/chat).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from mockserver.core.models import ModelInfo
from mockserver.core.request import RequestView, count_tokens, last_user_text
from mockserver.errors import ApiError

__all__ = [
    "ollama_view", "ollama_gate", "ollama_model_info", "ollama_unknown_model", "ollama_sample",
    "ollama_listing", "OLLAMA_MODELS", "LOADING",
]

#: name -> (family, parameter size, quantization, context length, capabilities)
OLLAMA_MODELS: dict[str, tuple[str, str, str, int, tuple[str, ...]]] = {
    "llama3.2": ("llama", "3.2B", "Q4_K_M", 131072, ("completion", "tools")),
    "llama3.1": ("llama", "8.0B", "Q4_K_M", 131072, ("completion", "tools")),
    "llama3.3": ("llama", "70.6B", "Q4_K_M", 131072, ("completion", "tools")),
    "qwen3": ("qwen3", "8.2B", "Q4_K_M", 40960, ("completion", "tools", "thinking")),
    "qwen2.5": ("qwen2", "7.6B", "Q4_K_M", 32768, ("completion", "tools")),
    "mistral": ("llama", "7.2B", "Q4_K_M", 32768, ("completion", "tools")),
    "gemma3": ("gemma3", "4.3B", "Q4_K_M", 131072, ("completion", "vision")),
    "phi4": ("phi3", "14.7B", "Q4_K_M", 16384, ("completion",)),
    "deepseek-r1": ("qwen2", "8.2B", "Q4_K_M", 131072, ("completion", "thinking")),
    "gpt-oss:20b": ("gptoss", "20.9B", "MXFP4", 131072, ("completion", "tools", "thinking")),
}
#: marks a request that only loads the model (no messages / no prompt)
LOADING = "__load__"
_GO_TYPES = {
    "model": "string", "prompt": "string", "suffix": "string", "system": "string",
    "template": "string", "stream": "bool", "raw": "bool", "messages": "[]api.Message",
    "context": "[]int", "options": "map[string]interface {}", "tools": "api.Tools",
}
_MESSAGE_TYPES = {"role": "string", "content": "string", "thinking": "string"}


def _kind(value: Any) -> str:
    """Go's name for a JSON value's kind in an unmarshal error."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    kinds: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return kinds.get(type(value), "null")


def _fits(value: Any, go: str) -> bool:
    if value is None:
        return True
    if go == "string":
        return isinstance(value, str)
    if go == "bool":
        return isinstance(value, bool)
    if go.startswith("[]") or go == "api.Tools":
        return isinstance(value, list)
    return isinstance(value, dict)


def _unmarshal(where: str, go: str, value: Any) -> ApiError:
    return ApiError(400, f"json: cannot unmarshal {_kind(value)} into Go struct field "
                    f"{where} of type {go}")


def _check(struct: str, body: Mapping[str, Any]) -> None:
    for name, go in _GO_TYPES.items():
        if name in body and not _fits(body[name], go):
            raise _unmarshal(f"{struct}.{name}", go, body[name])
    for message in body.get("messages") or ():
        if not isinstance(message, Mapping):
            raise _unmarshal(f"{struct}.messages", "api.Message", message)
        for name, go in _MESSAGE_TYPES.items():
            if name in message and not _fits(message[name], go):
                raise _unmarshal(f"{struct}.messages.{name}", go, message[name])
    if not body.get("model"):
        raise ApiError(400, "model is required")


def ollama_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """A chat or generate request; `stream` is true unless the body says `false`."""
    chat = path.endswith("/chat")
    _check("ChatRequest" if chat else "GenerateRequest", body)
    if chat:
        messages = body.get("messages") or []
        text = last_user_text(messages)
        prompt = sum(count_tokens(str(m.get("content") or "")) for m in messages) + 10
        loading = not messages
    else:
        text = str(body.get("prompt") or "")
        prompt = count_tokens(text) + count_tokens(str(body.get("system") or "")) + 10
        loading = not text
    return RequestView(
        api="ollama", path=path, model=str(body["model"]),
        stream=body.get("stream") is not False and not loading,
        user_text=LOADING if loading else text, prompt_tokens=prompt,
        tools=bool(body.get("tools")), body=body,
    )


def ollama_gate(api_key: str | None, headers: Mapping[str, str],
                query: Mapping[str, str]) -> None:
    """With `--api-key`: `Authorization: Bearer <key>`, else 401 `unauthorized`."""
    if api_key is None:
        return
    auth = headers.get("authorization", "")
    if not (auth.lower().startswith("bearer ") and auth[7:].strip() == api_key):
        raise ApiError(401, "unauthorized")


def _base(model: str) -> str:
    return model[: -len(":latest")] if model.endswith(":latest") else model


def ollama_model_info(model: str) -> ModelInfo | None:
    """Ollama's usual models, with or without the `:latest` tag."""
    return ModelInfo(model, owned_by="library") if _base(model) in OLLAMA_MODELS else None


def ollama_unknown_model(model: str) -> ApiError:
    return ApiError(404, f"model '{model}' not found")


def ollama_sample(model: str, message: str, stream: bool) -> dict[str, Any]:
    """What ollama-python sends for one chat message (`mockserver play`)."""
    return {"model": model, "messages": [{"role": "user", "content": message}],
            "stream": stream}


def _tag(name: str) -> str:
    return name if ":" in name else f"{name}:latest"


def _digest(name: str) -> str:
    return hashlib.sha256(f"mockserver:{name}".encode()).hexdigest()


def _details(name: str) -> dict[str, Any]:
    family, size, quant, _, _ = OLLAMA_MODELS[name]
    return {"parent_model": "", "format": "gguf", "family": family, "families": [family],
            "parameter_size": size, "quantization_level": quant}


def _entry(name: str) -> dict[str, Any]:
    billions = float(OLLAMA_MODELS[name][1].rstrip("B"))
    return {"name": _tag(name), "model": _tag(name), "modified_at": "2025-12-01T09:30:00Z",
            "size": int(billions * 0.6e9), "digest": _digest(name), "details": _details(name)}


def _show(name: str) -> dict[str, Any]:
    family, size, _, context, capabilities = OLLAMA_MODELS[name]
    return {
        "license": "mockserver: no license text (a fake model)",
        "modelfile": f'# Modelfile generated by "ollama show"\nFROM {_tag(name)}\n',
        "parameters": 'stop                           "<|eot_id|>"',
        "template": "{{ .Prompt }}",
        "details": _details(name),
        "model_info": {"general.architecture": family, "general.parameter_count":
                       int(float(size.rstrip("B")) * 1e9), f"{family}.context_length": context},
        "capabilities": list(capabilities),
        "modified_at": "2025-12-01T09:30:00Z",
    }


def ollama_listing(method: str, path: str, params: Mapping[str, str],
                   body: Mapping[str, Any], catalog: Any) -> Any:
    """`GET /api/tags` (the local models) and `POST /api/show` (one model's details)."""
    if path.endswith("/tags"):
        return {"models": [_entry(name) for name in OLLAMA_MODELS]}
    model = body.get("model") or body.get("name")
    if not model:
        raise ApiError(400, "model is required")
    if not isinstance(model, str) or _base(model) not in OLLAMA_MODELS:
        raise ApiError(404, f"model '{model}' not found")
    return _show(_base(model))
