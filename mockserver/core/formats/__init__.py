"""Wire formats: one module per API shape, behind one registry (registry.py).

    FORMATS[name] ─► Format(name, routes, framing, module, fault_layers)    registry.py, base.py
                        └── .renderer ─► Renderer(view, events, body, error_body, headers,
                                                  error_event)             the format's module

    chat.py               POST /v1/chat/completions       SSE chat.completion.chunk, [DONE]
    completions.py        POST /v1/completions            SSE text_completion chunks, [DONE]
    responses.py          POST /v1/responses              SSE named events (+ responses_object.py)
    anthropic.py          POST /v1/messages               SSE Anthropic events, its own errors
    embeddings_models.py  POST /v1/embeddings, GET|DELETE /v1/models[/{model}]   JSON
    drafts.py             what every format shares: base headers, JSON answers, error answers

One scenario renders in every shape; the route decides which (docs/formats.md).
"""

from mockserver.core.formats.base import (
    JSON,
    SSE,
    Format,
    Framing,
    Renderer,
    RoutePattern,
    openai_error_body,
)
from mockserver.core.formats.drafts import (
    base_headers,
    compile_error,
    compile_json,
    default_error_code,
    default_error_message,
    default_error_type,
)
from mockserver.core.formats.registry import FORMATS, view_for

__all__ = [
    "FORMATS", "Format", "Renderer", "RoutePattern", "Framing", "SSE", "JSON", "view_for",
    "compile_error", "compile_json", "base_headers", "openai_error_body", "default_error_type",
    "default_error_message", "default_error_code",
]
