"""Render legacy Completions, Embeddings and Models answers (openai-wire.md section 2)."""

from __future__ import annotations

import base64
import hashlib
import struct
from typing import Any

from mockserver.core.content import Content
from mockserver.core.events import Event
from mockserver.core.ids import Ids
from mockserver.core.models import ModelInfo
from mockserver.core.request import RequestView
from mockserver.sse.encoder import DONE

__all__ = ["completion_events", "completion_body", "embeddings_body", "model_object", "models_body"]


def _usage(content: Content) -> dict[str, int]:
    return {
        "prompt_tokens": content.prompt_tokens,
        "completion_tokens": content.completion_tokens,
        "total_tokens": content.prompt_tokens + content.completion_tokens,
    }


def _completion(ids: Ids, model: str, choices: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": ids.base62("cmpl-", 24),
        "object": "text_completion",
        "created": ids.created(),
        "model": model,
        "system_fingerprint": None,
        "choices": choices,
    }


def completion_events(content: Content, request: RequestView, seed: int, model: str) -> list[Event]:
    events = []
    for piece in content.pieces:
        choice = {"text": piece, "index": 0, "logprobs": None, "finish_reason": None}
        events.append(Event(payload=_completion(Ids(seed), model, [choice]), kind="content"))
    final = {"text": "", "index": 0, "logprobs": None, "finish_reason": content.finish_reason}
    events.append(Event(payload=_completion(Ids(seed), model, [final]), kind="finish"))
    if request.include_usage:
        usage_chunk = _completion(Ids(seed), model, [])
        usage_chunk["usage"] = _usage(content)
        events.append(Event(payload=usage_chunk, kind="usage"))
    events.append(Event(data=DONE, kind="done"))
    return events


def completion_body(
    content: Content, request: RequestView, seed: int, model: str
) -> dict[str, Any]:
    choice = {
        "text": content.text,
        "index": 0,
        "logprobs": None,
        "finish_reason": content.finish_reason,
    }
    body = _completion(Ids(seed), model, [choice])
    body["usage"] = _usage(content)
    return body


def _vector(text: str, dimensions: int) -> list[float]:
    """A deterministic unit-ish vector from the text's SHA-256 stream."""
    values: list[float] = []
    counter = 0
    while len(values) < dimensions:
        digest = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        for i in range(0, len(digest), 2):
            values.append((int.from_bytes(digest[i : i + 2], "little") / 65535.0 - 0.5) / 8)
        counter += 1
    return [round(v, 6) for v in values[:dimensions]]


def embeddings_body(request: RequestView, info: ModelInfo) -> dict[str, Any]:
    dims = request.dimensions or info.dimensions or 1536
    data = []
    for index, text in enumerate(request.inputs):
        vector = _vector(text, dims)
        embedding: Any = vector
        if request.encoding_format == "base64":
            embedding = base64.b64encode(struct.pack(f"<{dims}f", *vector)).decode("ascii")
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    return {
        "object": "list",
        "data": data,
        "model": info.id,
        "usage": {"prompt_tokens": request.prompt_tokens, "total_tokens": request.prompt_tokens},
    }


def model_object(info: ModelInfo) -> dict[str, Any]:
    return {"id": info.id, "object": "model", "created": info.created, "owned_by": info.owned_by}


def models_body(models: list[ModelInfo]) -> dict[str, Any]:
    return {"object": "list", "data": [model_object(m) for m in models]}
