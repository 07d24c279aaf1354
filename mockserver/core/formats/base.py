"""What a wire format is: where it is served (routes), how its stream is framed, how it renders.

    Format(name, routes, framing, module, fault_layers)
      ├── routes      RoutePattern(pattern, methods): "/v1/chat/completions",
      │               "/v1/models/{model:path}", "/v1beta/models/{model}:streamGenerateContent";
      │               `{name}` is one path segment (or the part of it before a literal suffix
      │               such as `:streamGenerateContent`), `{name:path}` the rest of the path
      ├── framing     Framing(name, content_type, encode): sse | ndjson | aws_eventstream | json;
      │               `encode(event) -> bytes` is how one event goes on the wire
      ├── module      "chat", or "embeddings_models:MODELS": whose `Renderer` renders it,
      │               imported the first time `.renderer` is read (start-up stays light)
      └── fault_layers  the fault layers that change something on this format

    Renderer(view, events, body, error_body, headers, error_event)
      view          (path, body, path params) -> RequestView: validation, model, stream flag
      events        (content, request, seed, model) -> Events of a streamed answer
      body          (content, request, seed, model) -> the non-stream JSON body
      listing       (method, path, path params, body, model catalog) -> the JSON answer of a
                    route that lists or describes models (Gemini's models, Ollama's tags/show)
      json_text     (value) -> how the provider writes a JSON body (None: compact, OpenAI's)
      error_body    (status, message, type, code, param, request id) -> the error JSON
      headers       (base headers, is_error) -> the format's own headers (None: OpenAI's)
      error_event   (shape, at, events before) -> the in-stream error event (`error_event`)
      gate          (api key, request headers, query) -> None or raise: the provider's own
                    authentication and required query parameters, before the body is read
      model_info    (model id) -> ModelInfo | None: the provider's own model ids, accepted
                    besides the known models (SPEC 2.1, `--models`)
      unknown_model (model id) -> the provider's own error for a model it does not know
      error_headers (status, error type) -> extra headers of an error answer
      sample        (model, message, stream) -> a typical request body (`mockserver play`)
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.core.content import Content
from mockserver.core.events import Event
from mockserver.core.models import ModelInfo
from mockserver.core.request import RequestView
from mockserver.errors import ApiError
from mockserver.sse.encoder import encode_event

__all__ = [
    "Format", "Renderer", "RoutePattern", "Framing", "SSE", "JSON", "STREAM_LAYERS",
    "JSON_LAYERS", "openai_error_body", "sse_bytes",
]

ViewFn = Callable[[str, Mapping[str, Any], Mapping[str, str]], RequestView]
EventsFn = Callable[[Content, RequestView, int, str], Iterable[Event]]
BodyFn = Callable[[Content, RequestView, int, str], dict[str, Any]]
ListingFn = Callable[[str, str, Mapping[str, str], Mapping[str, Any], Any], Any]
JsonTextFn = Callable[[Any], str]
ErrorFn = Callable[[int, str, str, str | None, str | None, str], dict[str, Any]]
HeadersFn = Callable[[list[tuple[str, str]], bool], list[tuple[str, str]]]
ErrorEventFn = Callable[[str, int, list[Event]], Event]
GateFn = Callable[[str | None, Mapping[str, str], Mapping[str, str]], None]
ModelInfoFn = Callable[[str], ModelInfo | None]
UnknownModelFn = Callable[[str], ApiError]
ErrorHeadersFn = Callable[[int, str], list[tuple[str, str]]]
SampleFn = Callable[[str, str, bool], dict[str, Any]]

#: the layers whose faults change something on an HTTP stream format, and on a JSON-only one
STREAM_LAYERS = frozenset({"sse", "payload", "http", "tcp", "cors"})
JSON_LAYERS = frozenset({"http", "tcp", "cors"})

_PARAM = re.compile(r"\{(\w+)(:path)?\}")


@dataclass(frozen=True)
class RoutePattern:
    """A path pattern and the methods it answers. `{name}` matches one path segment,
    `{name:path}` the rest of the path; the matched values are the route's `params`."""

    pattern: str
    methods: tuple[str, ...] = ("POST",)

    @functools.cached_property
    def _regex(self) -> re.Pattern[str]:
        parts, pos = [], 0
        for m in _PARAM.finditer(self.pattern):
            parts.append(re.escape(self.pattern[pos:m.start()]))
            parts.append(f"(?P<{m[1]}>{'.+' if m[2] else '[^/]+'})")
            pos = m.end()
        parts.append(re.escape(self.pattern[pos:]))
        return re.compile("".join(parts))

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when `path` is this route's, else None."""
        found = self._regex.fullmatch(path)
        return None if found is None else found.groupdict()


def sse_bytes(event: Event) -> bytes:
    """One event as SSE: its `event:`, `id:`, `retry:` fields and `data:` lines."""
    return encode_event(event.data, event=event.event, id=event.id, retry=event.retry)


@dataclass(frozen=True)
class Framing:
    """How a stream's events become bytes: `encode(event)` is one event on the wire, and the
    response says `content_type`. `json` has no stream (its `encode` is None)."""

    name: Literal["sse", "ndjson", "aws_eventstream", "json"]
    content_type: str
    encode: Callable[[Event], bytes] | None = None


SSE = Framing("sse", "text/event-stream; charset=utf-8", sse_bytes)
JSON = Framing("json", "application/json")


def openai_error_body(
    status: int, message: str, type: str, code: str | None, param: str | None, request_id: str
) -> dict[str, Any]:
    """`{"error": {"message", "type", "param", "code"}}`, the OpenAI error shape."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


@dataclass(frozen=True)
class Renderer:
    """What a format's module provides: how it reads a request and renders an answer."""

    view: ViewFn | None = None
    events: EventsFn | None = None
    body: BodyFn | None = None
    listing: ListingFn | None = None
    json_text: JsonTextFn | None = None
    error_body: ErrorFn = openai_error_body
    headers: HeadersFn | None = None
    error_event: ErrorEventFn | None = None
    gate: GateFn | None = None
    model_info: ModelInfoFn | None = None
    unknown_model: UnknownModelFn | None = None
    error_headers: ErrorHeadersFn | None = None
    sample: SampleFn | None = None

    def adapt_headers(self, headers: list[tuple[str, str]], *, error: bool = False
                      ) -> list[tuple[str, str]]:
        """The format's own response headers from the OpenAI-style base headers."""
        return self.headers(headers, error) if self.headers is not None else headers


@dataclass(frozen=True)
class Format:
    """One wire format: its routes, its framing, the fault layers that apply, and the module
    (`"chat"`, or `"embeddings_models:MODELS"` for a module with several) whose `Renderer`
    renders it, imported the first time `renderer` is read."""

    name: str
    routes: tuple[RoutePattern, ...]
    framing: Framing
    module: str
    fault_layers: frozenset[str] = field(default=STREAM_LAYERS)

    @property
    def stream_content_type(self) -> str:
        return self.framing.content_type

    @functools.cached_property
    def renderer(self) -> Renderer:
        name, _, attr = self.module.partition(":")
        module = importlib.import_module(f"{__package__}.{name}")
        renderer: Renderer = getattr(module, attr or "RENDERER")
        return renderer
