"""The registry: every wire format, with the routes it serves, on one screen.

A format's renderer module is imported the first time the format renders (`Format.renderer`):
a server that never sees /v1/responses or /v1/messages never loads them. The transport's
route table (transport/routing.py) is derived from `FORMATS`, so a format module plus its
line here is all a new API needs (docs/architecture.md, "Adding a format").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mockserver.core.formats.lines as lines
from mockserver.core.formats.base import JSON, JSON_LAYERS, SSE, Format, RoutePattern
from mockserver.core.formats.eventstream import AWS_EVENTSTREAM, EVENTSTREAM_LAYERS
from mockserver.core.request import RequestView

__all__ = ["FORMATS", "view_for"]

_ALL = (
    #      name, routes (path pattern, methods), framing, renderer module[, fault layers]
    Format("chat", (RoutePattern("/v1/chat/completions"),), SSE, "chat"),
    Format("completions", (RoutePattern("/v1/completions"),), SSE, "completions"),
    Format("responses", (RoutePattern("/v1/responses"),), SSE, "responses"),
    Format("messages", (RoutePattern("/v1/messages"),), SSE, "anthropic"),
    # Gemini: /v1beta and /v1 (google-genai 3 defaults to v1), before OpenAI's /v1/models/...
    Format("gemini", tuple(RoutePattern(f"/{v}/models/{{model}}:{m}") for v in ("v1beta", "v1")
                           for m in ("generateContent", "streamGenerateContent")),
           lines.GEMINI_SSE, "gemini"),
    Format("gemini_models", (RoutePattern("/v1beta/models", ("GET",)),
                             RoutePattern("/v1beta/models/{model}", ("GET",))),
           JSON, "gemini:MODELS", JSON_LAYERS),
    Format("ollama", (RoutePattern("/api/chat"), RoutePattern("/api/generate")),
           lines.NDJSON, "ollama"),
    Format("ollama_models", (RoutePattern("/api/tags", ("GET",)), RoutePattern("/api/show")),
           JSON, "ollama:MODELS", JSON_LAYERS),
    Format("cohere", (RoutePattern("/v2/chat"),), SSE, "cohere"),
    Format("embeddings", (RoutePattern("/v1/embeddings"),), JSON, "embeddings_models:EMBEDDINGS",
           JSON_LAYERS),
    Format("models", (RoutePattern("/v1/models", ("GET",)),
                      RoutePattern("/v1/models/{model:path}", ("GET", "DELETE"))),
           JSON, "embeddings_models:MODELS", JSON_LAYERS),
    # Bedrock Runtime: the model id is in the path (an ARN may hold slashes); the route says
    # whether it streams
    Format("bedrock_converse", (RoutePattern("/model/{modelId:path}/converse"),
                                RoutePattern("/model/{modelId:path}/converse-stream")),
           AWS_EVENTSTREAM, "bedrock_converse", EVENTSTREAM_LAYERS),
    Format("bedrock_invoke", (RoutePattern("/model/{modelId:path}/invoke"),
                              RoutePattern("/model/{modelId:path}/invoke-with-response-stream")),
           AWS_EVENTSTREAM, "bedrock_invoke", EVENTSTREAM_LAYERS),
    # Azure OpenAI: the deployment in the path is the model; `?api-version=` is required
    Format("azure_chat", (RoutePattern("/openai/deployments/{deployment}/chat/completions"),),
           SSE, "azure_openai:CHAT"),
    Format("azure_completions", (RoutePattern("/openai/deployments/{deployment}/completions"),),
           SSE, "azure_openai:COMPLETIONS"),
    Format("azure_embeddings", (RoutePattern("/openai/deployments/{deployment}/embeddings"),),
           JSON, "azure_openai:EMBEDDINGS", JSON_LAYERS),
)

#: format name -> Format
FORMATS: dict[str, Format] = {fmt.name: fmt for fmt in _ALL}


def view_for(api: str, path: str, body: Mapping[str, Any],
             params: Mapping[str, str] | None = None) -> RequestView:
    """Validate `body` as format `api` reads it and return its view (raises `ApiError`)."""
    view = FORMATS[api].renderer.view
    if view is None:
        raise ValueError(f"format {api!r} reads no request body")
    return view(path, body, params or {})
