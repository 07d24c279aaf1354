"""Embeddings (`POST /v1/embeddings`) and the model catalogue (`GET /v1/models`, `GET|DELETE
/v1/models/{model}`): plain JSON answers (openai-wire.md section 2).

Embeddings are deterministic vectors from the text's SHA-256 stream (float or base64); the
model list and objects come from the server's `ModelCatalog`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections.abc import Mapping
from typing import Any

from mockserver.core.formats.base import Renderer
from mockserver.core.models import ModelInfo
from mockserver.core.request import RequestView, bad_type, checked_model, count_tokens, require
from mockserver.errors import ApiError

__all__ = [
    "embeddings_view", "embeddings_body", "model_object", "models_body", "EMBEDDINGS", "MODELS",
]


def embeddings_view(path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> RequestView:
    """An embeddings request: `input` (a string or a non-empty array), `encoding_format`."""
    model = checked_model(body)
    raw = require(body, "input")
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise bad_type("input", "a string or an array", raw)
    inputs = tuple(x if isinstance(x, str) else json.dumps(x) for x in items)
    fmt = body.get("encoding_format", "float")
    if fmt not in ("float", "base64"):
        raise ApiError(
            400, f"Invalid value: '{fmt}'. Supported values are: 'float' and 'base64'.",
            param="encoding_format", code="invalid_value",
        )
    return RequestView(
        api="embeddings", path=path, model=model, inputs=inputs, encoding_format=fmt,
        dimensions=body.get("dimensions"), prompt_tokens=sum(map(count_tokens, inputs)),
        body=body,
    )


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


#: embeddings read their request; the model catalogue has none (GET, DELETE)
EMBEDDINGS = Renderer(view=embeddings_view)
MODELS = Renderer()
