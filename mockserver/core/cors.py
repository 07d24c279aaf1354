"""CORS headers decided purely from the request's Origin and a policy.

By default CORS is correct and permissive, so browser apps work against the mock out of the
box: the Origin is reflected (with `Vary: Origin`), credentials are allowed, preflights answer
204 with the requested headers reflected (covering `Authorization`, `Content-Type`,
`x-stainless-*` and `X-Mock-*`), and `x-request-id`, `x-mock-fault`, `retry-after` and the
rate-limit headers are exposed. Faults (`cors(kind=...)`) return a changed policy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["CorsPolicy", "DEFAULT_POLICY", "headers_for", "preflight_status", "EXPOSED"]

EXPOSED = (
    "x-request-id, x-mock-fault, retry-after, retry-after-ms, openai-processing-ms, "
    "x-ratelimit-limit-requests, x-ratelimit-limit-tokens, x-ratelimit-remaining-requests, "
    "x-ratelimit-remaining-tokens, x-ratelimit-reset-requests, x-ratelimit-reset-tokens"
)
ALLOWED_HEADERS = (
    "authorization, content-type, x-api-key, anthropic-version, openai-organization, "
    "openai-project, x-mock-fault, x-mock-scenario, x-stainless-arch, x-stainless-lang, "
    "x-stainless-os, x-stainless-package-version, x-stainless-retry-count, "
    "x-stainless-runtime, x-stainless-runtime-version, x-stainless-timeout, x-stainless-async, "
    "x-stainless-read-timeout, x-stainless-helper-method"
)
METHODS = "GET, POST, DELETE, OPTIONS"


@dataclass(frozen=True)
class CorsPolicy:
    """What the server says about cross-origin access. Each field is one thing a gateway can
    get wrong; the default gets all of them right."""

    allow_origin: str = "reflect"  # "reflect" | "*" | an explicit origin | "" (omit header)
    allow_credentials: bool = True
    allow_headers: str = "reflect"  # "reflect" | explicit list | "" (omit header)
    expose_headers: str = EXPOSED  # "" omits the header
    preflight_status: int = 204
    on_errors: bool = True  # False: error responses (status >= 400) carry no CORS headers
    origin_on_response: bool = True  # False: ACAO on the preflight only, not the actual response
    max_age: int = 0

    def but(self, **changes: object) -> CorsPolicy:
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_POLICY = CorsPolicy()


def _origin_value(origin: str, policy: CorsPolicy) -> str:
    if policy.allow_origin == "reflect":
        return origin
    return policy.allow_origin


def headers_for(
    origin: str | None,
    policy: CorsPolicy = DEFAULT_POLICY,
    *,
    preflight: bool = False,
    request_headers: str | None = None,
    status: int = 200,
) -> list[tuple[str, str]]:
    """The CORS headers for one response (empty when the request has no Origin)."""
    if not origin:
        return []
    if status >= 400 and not preflight and not policy.on_errors:
        return []
    headers: list[tuple[str, str]] = []
    value = _origin_value(origin, policy)
    if value and (preflight or policy.origin_on_response):
        headers.append(("access-control-allow-origin", value))
    if policy.allow_origin == "reflect":
        headers.append(("vary", "Origin"))
    if policy.allow_credentials:
        headers.append(("access-control-allow-credentials", "true"))
    if preflight:
        headers.append(("access-control-allow-methods", METHODS))
        if policy.allow_headers == "reflect":
            allowed = request_headers or ALLOWED_HEADERS
        else:
            allowed = policy.allow_headers
        if allowed:
            headers.append(("access-control-allow-headers", allowed))
        headers.append(("access-control-max-age", str(policy.max_age)))
    elif policy.expose_headers:
        headers.append(("access-control-expose-headers", policy.expose_headers))
    return headers


def preflight_status(policy: CorsPolicy = DEFAULT_POLICY) -> int:
    return policy.preflight_status
