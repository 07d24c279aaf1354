"""The drafts every format shares: the real API's headers, plain JSON answers, and HTTP
errors in the route's own error shape (the wording and types of OpenAI's defaults).

    compile_error(error, request, seed) ─► Draft(status, headers, body)   FORMATS[api] shape
    compile_json(body, status, seed, api) ─► Draft(status, headers, body)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.draft import Draft
from mockserver.core.events import dumps
from mockserver.core.formats.registry import FORMATS
from mockserver.core.ids import Ids, rng_for
from mockserver.core.request import RequestView
from mockserver.core.response import ErrorReply

__all__ = [
    "base_headers", "compile_error", "compile_json", "default_error_type",
    "default_error_message", "default_error_code",
]
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


def base_headers(ids: Ids, content_type: str, *, error: bool = False) -> list[tuple[str, str]]:
    """The real API's response headers (errors are leaner: no openai-* or rate-limit headers)."""
    headers = [("content-type", content_type), ("x-request-id", ids.request_id())]
    if error:
        return headers
    processing = 40 + rng_for(ids.seed, "processing").randrange(0, 400)
    return headers + [
        ("openai-organization", "user-mockserver"),
        ("openai-processing-ms", str(processing)),
        ("openai-project", "proj_mockserver"),
        ("openai-version", "2020-10-01"),
        ("x-ratelimit-limit-requests", "10000"),
        ("x-ratelimit-limit-tokens", "50000000"),
        ("x-ratelimit-remaining-requests", "9999"),
        ("x-ratelimit-remaining-tokens", "49999975"),
        ("x-ratelimit-reset-requests", "6ms"),
        ("x-ratelimit-reset-tokens", "0s"),
    ]


def compile_error(error: ErrorReply, request: RequestView, seed: int) -> Draft:
    """The draft of an HTTP error answer in the route's own error shape."""
    ids = Ids(seed)
    fmt = FORMATS.get(request.api, FORMATS["chat"]).renderer
    body = fmt.error_body(
        error.status,
        error.message or default_error_message(error.status),
        error.type or default_error_type(error.status),
        error.code if error.code is not None else default_error_code(error.status),
        error.param,
        ids.request_id(),
    )
    headers = fmt.adapt_headers(
        base_headers(ids, "application/json; charset=utf-8", error=True), error=True
    )
    if fmt.error_headers is not None:  # e.g. Bedrock's x-amzn-errortype
        headers += fmt.error_headers(error.status, error.type or default_error_type(error.status))
    draft = Draft(status=error.status, headers=headers, body=dumps(body).encode(), fmt=request.api)
    if fmt.json_text is not None:  # the provider's own JSON layout (Gemini's is indented)
        draft.body = fmt.json_text(body).encode()
    for name, value in error.headers:
        draft.set_header(name, value)
    return draft


def compile_json(body: Any, *, status: int = 200, seed: int = 0, api: str = "json") -> Draft:
    """The draft of a plain JSON answer (models, embeddings, non-stream completions)."""
    ids = Ids(seed)
    headers = base_headers(ids, "application/json")
    text: Callable[[Any], str] = dumps
    if api in FORMATS:
        headers = FORMATS[api].renderer.adapt_headers(headers)
        text = FORMATS[api].renderer.json_text or dumps
    return Draft(
        status=status,
        headers=headers,
        body=text(body).encode(),
        fmt=api,
    )
