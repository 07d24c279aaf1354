"""status: the request fails with an HTTP error status before any streaming."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mockserver.core.compile import compile_error
from mockserver.core.scenario import ErrorReply
from mockserver.faults.base import Draft, Fault, FaultContext

__all__ = ["Status"]

_HTML = (
    "<html>\r\n<head><title>{code} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{code} Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Status(Fault):
    """The client gets an HTTP error (e.g. openai.RateLimitError for 429, InternalServerError for
    5xx), retried by the SDKs for 408/409/429/5xx unless `should_retry=false` or the retry delay
    exceeds their cap. `body` picks an OpenAI JSON error, a proxy HTML page, plain text or nothing.
    """

    name = "status"
    layer = "http"

    code: int = field(default=500, metadata={"min": 400, "max": 599})
    type: str | None = None
    message: str | None = None
    retry_after: float | None = None
    retry_after_ms: float | None = None
    should_retry: bool | None = None
    body: Literal["openai", "html", "text", "empty"] = "openai"

    def on_draft(self, draft: Draft, ctx: FaultContext) -> Draft:
        headers: list[tuple[str, str]] = []
        if self.retry_after is not None:
            value = self.retry_after
            headers.append(("retry-after", str(int(value)) if value == int(value) else str(value)))
        if self.retry_after_ms is not None:
            headers.append(("retry-after-ms", f"{self.retry_after_ms:g}"))
        if self.should_retry is not None:
            headers.append(("x-should-retry", "true" if self.should_retry else "false"))
        error = ErrorReply(
            status=self.code, type=self.type, message=self.message, headers=tuple(headers)
        )
        out = compile_error(error, ctx.request, ctx.seed)
        if self.body == "html":
            out.body = _HTML.format(code=self.code).encode()
            out.set_header("content-type", "text/html")
            out.set_header("server", "cloudflare")
        elif self.body == "text":
            out.body = f"{self.code} error".encode()
            out.set_header("content-type", "text/plain; charset=utf-8")
        elif self.body == "empty":
            out.body = b""
        return out
