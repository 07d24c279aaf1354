"""Wire formats by API: how content becomes stream events or a JSON body, and error shapes.

One script renders as chat chunks, legacy completion chunks, Responses events or Anthropic
events depending on the route; `FORMATS[api]` is the only place that choice is made.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.core.content import Content
from mockserver.core.events import Event
from mockserver.core.formats.chat import chat_body, chat_events
from mockserver.core.formats.completions import completion_body, completion_events
from mockserver.core.request import RequestView

__all__ = ["Format", "FORMATS", "openai_error_body", "default_error_type", "register_format"]

EventsFn = Callable[[Content, RequestView, int, str], Iterable[Event]]
BodyFn = Callable[[Content, RequestView, int, str], dict[str, Any]]
ErrorFn = Callable[[int, str, str, str | None, str | None, str], dict[str, Any]]
#: (base headers, is_error) -> the format's own headers (e.g. Anthropic's `request-id`)
HeadersFn = Callable[[list[tuple[str, str]], bool], list[tuple[str, str]]]
#: (shape, at, events before it) -> the format's own in-stream error event (`error_event`)
ErrorEventFn = Callable[[str, int, list[Event]], Event]

_DEFAULT_TYPES = {
    400: "invalid_request_error", 401: "invalid_request_error", 403: "permission_denied",
    404: "invalid_request_error", 408: "timeout", 409: "conflict", 413: "invalid_request_error",
    422: "invalid_request_error", 429: "requests", 500: "server_error", 502: "server_error",
    503: "service_unavailable", 504: "timeout",
}
_DEFAULT_MESSAGES = {
    400: "Bad request.",
    401: "Incorrect API key provided. You can find your API key at "
    "https://platform.openai.com/account/api-keys.",
    403: "You are not allowed to perform this request.",
    404: "The requested resource does not exist.",
    408: "Request timed out.",
    409: "The request conflicts with the current state of the resource.",
    429: "Rate limit reached for requests. Please try again in 1s.",
    500: "The server had an error while processing your request. Sorry about that!",
    502: "Bad gateway.",
    503: "The server is overloaded or not ready yet.",
    504: "Gateway timeout.",
}
_DEFAULT_CODES = {401: "invalid_api_key", 429: "rate_limit_exceeded"}


def default_error_type(status: int) -> str:
    return _DEFAULT_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")


def default_error_message(status: int) -> str:
    return _DEFAULT_MESSAGES.get(status, f"Error {status}.")


def default_error_code(status: int) -> str | None:
    return _DEFAULT_CODES.get(status)


def openai_error_body(
    status: int, message: str, type: str, code: str | None, param: str | None, request_id: str
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


@dataclass(frozen=True)
class Format:
    """How one API renders: stream events, non-stream body, error body."""

    events: EventsFn
    body: BodyFn
    error_body: ErrorFn = openai_error_body
    stream_content_type: str = "text/event-stream; charset=utf-8"
    headers: HeadersFn | None = None
    error_event: ErrorEventFn | None = None

    def adapt_headers(self, headers: list[tuple[str, str]], *, error: bool = False
                      ) -> list[tuple[str, str]]:
        """The format's own response headers from the OpenAI-style base headers."""
        return self.headers(headers, error) if self.headers is not None else headers


#: formats whose renderer module registers itself on first use (kept off the start-up path)
_LAZY = {
    "responses": "mockserver.core.formats.responses",
    "messages": "mockserver.core.formats.anthropic",
}


class _Formats(dict[str, Format]):
    """The registry; the Responses and Anthropic renderers are imported the first time their
    api is looked up (`in`, `[]`, `get`), so a server that never sees them never loads them."""

    def _load(self, api: object) -> bool:
        module = _LAZY.get(api) if isinstance(api, str) else None
        if module is None:
            return False
        importlib.import_module(module)  # calls register_format(api, ...)
        return dict.__contains__(self, api)

    def __missing__(self, api: str) -> Format:
        if self._load(api):
            return dict.__getitem__(self, api)
        raise KeyError(api)

    def __contains__(self, api: object) -> bool:
        return dict.__contains__(self, api) or self._load(api)

    def get(self, api: str, default: Format | None = None) -> Format | None:  # type: ignore[override]
        return self[api] if api in self else default


FORMATS: dict[str, Format] = _Formats(
    chat=Format(events=chat_events, body=chat_body),
    completions=Format(events=completion_events, body=completion_body),
)


def register_format(api: str, fmt: Format) -> None:
    """Add a wire format (used by the Responses and Anthropic renderers)."""
    dict.__setitem__(FORMATS, api, fmt)
