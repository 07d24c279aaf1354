"""status: the request fails with an HTTP error status before any streaming."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Literal

from mockserver.core.draft import Draft
from mockserver.core.formats import compile_error
from mockserver.core.response import ErrorReply
from mockserver.errors import FaultSpecError
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Status"]

_HTML = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


def _seconds(value: str) -> str:
    """`"1.0"` -> `"1"`; anything that is not a number (an HTTP date, garbage) is sent as is."""
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number == int(number) else f"{number:g}"


@dataclass(frozen=True)
class Status(Fault):
    """The client gets an HTTP error status instead of an answer, with the API's error body
    (`body=openai`) or an HTML, text or empty one, and `retry-after` / `retry-after-ms` /
    `x-should-retry` headers when asked; SDKs map the status to their error classes and retry
    408/409/429/5xx unless told not to.

    `retry_after` (seconds, an HTTP date, or any text to test parsers) and `retry_after_ms` set
    the retry headers; a 429 also says `x-ratelimit-remaining-requests: 0`. `body` picks an
    OpenAI JSON error (the route's own shape), a Cloudflare-style HTML page, plain text or
    nothing.
    """

    name = "status"
    layer = "http"
    example = "status(code=429, retry_after=1)"

    code: int = field(default=500, metadata={"min": 400, "max": 599})
    type: str | None = None
    message: str | None = None
    retry_after: str | None = None
    retry_after_ms: float | None = None
    should_retry: bool | None = None
    body: Literal["openai", "html", "text", "empty"] = "openai"

    def validate(self) -> None:
        if self.retry_after is not None and any(ch in self.retry_after for ch in "\r\n\0"):
            raise FaultSpecError(
                f"{self.name}: parameter 'retry_after' must be one header line; "
                f"got {self.retry_after!r}"
            )
        if self.retry_after_ms is not None and self.retry_after_ms < 0:
            raise FaultSpecError(
                f"{self.name}: parameter 'retry_after_ms' must be >= 0; got {self.retry_after_ms!r}"
            )

    def _headers(self) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = []
        if self.code == 429:
            headers += [
                ("x-ratelimit-limit-requests", "10000"),
                ("x-ratelimit-remaining-requests", "0"),
                ("x-ratelimit-reset-requests", "1s"),
            ]
        if self.retry_after is not None:
            headers.append(("retry-after", _seconds(self.retry_after)))
        if self.retry_after_ms is not None:
            headers.append(("retry-after-ms", f"{self.retry_after_ms:g}"))
        if self.should_retry is not None:
            headers.append(("x-should-retry", "true" if self.should_retry else "false"))
        return headers

    def on_draft(self, draft: Draft, ctx: FaultContext) -> Draft:
        error = ErrorReply(
            status=self.code, type=self.type, message=self.message, headers=tuple(self._headers())
        )
        out = compile_error(error, ctx.request, ctx.seed)
        if self.body == "html":
            out.body = _HTML.format(code=self.code, phrase=_phrase(self.code)).encode()
            out.set_header("content-type", "text/html")
            out.set_header("server", "cloudflare")
        elif self.body == "text":
            out.body = f"{self.code} {_phrase(self.code)}".encode()
            out.set_header("content-type", "text/plain; charset=utf-8")
        elif self.body == "empty":
            out.body = b""
        return out
