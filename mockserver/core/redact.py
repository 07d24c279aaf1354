"""Keep secrets off the disk: what a recording must never contain (SPEC 10).

    redact_headers(pairs)  authorization, x-api-key, api-key, cookie, set-cookie (and their
                           kin) become "REDACTED"; any other value that looks like a key too
    redact_url(url)        query values named like a key, or that look like one
    redact_text(text)      key-shaped substrings anywhere (bodies, events): sk-..., Bearer ...

"Looks like a key": a provider key format (OpenAI/Anthropic `sk-...`, AWS `AKIA...`, Google
`AIza...`, GitHub `ghp_...`, Slack `xox?-...`, a JWT `eyJ...`), a `Bearer` credential, or, as a
whole header or query value, a long token of base64/hex characters that mixes letters and
digits. Headers known to carry only ids and counters (request ids, rate limits) keep their
values, so a recording still says which request it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["REDACTED", "redact_headers", "redact_url", "redact_text", "redact_value",
           "looks_like_key"]

REDACTED = "REDACTED"

_SECRET_HEADERS = frozenset({
    "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie",
    "x-goog-api-key", "ocp-apim-subscription-key", "x-amz-security-token", "x-auth-token",
    "x-mock-token",
})
_SECRET_PARAMS = re.compile(r"(^|[_-])(key|token|secret|signature|sig|password|auth)$", re.I)
#: headers that carry ids and counters only (their values look random but are not secrets)
_PLAIN_HEADERS = re.compile(
    r"^(x-request-id|request-id|cf-ray|openai-processing-ms|openai-version|x-ratelimit-.*|"
    r"anthropic-ratelimit-.*|content-type|date|server|via|retry-after(-ms)?|"
    r"x-envoy-upstream-service-time|x-mockserver-.*|anthropic-organization-id|"
    r"openai-organization|openai-project)$", re.I)
_KEY_SHAPES = re.compile(
    r"sk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_\-]{16,}"
    r"|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|xox[abposr]-[A-Za-z0-9\-]{10,}|eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]+"
    r"|(?i:bearer)\s+\S+")
_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-.]{32,}")


def looks_like_key(value: str) -> bool:
    """A whole value that looks like a credential."""
    value = value.strip()
    if _KEY_SHAPES.search(value):
        return True
    if _TOKEN.fullmatch(value):
        return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    return False


def redact_text(text: str) -> str:
    """Key-shaped substrings replaced (for bodies and events, where a value is free text)."""
    return _KEY_SHAPES.sub(REDACTED, text)


def redact_value(value: Any) -> Any:
    """`redact_text` over every string of a JSON value (keys named like secrets too)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: REDACTED if isinstance(v, str) and _secret_name(str(k)) else redact_value(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value


def _secret_name(name: str) -> bool:
    return name.lower() in _SECRET_HEADERS or bool(_SECRET_PARAMS.search(name)) or \
        name.lower() in ("api_key", "apikey", "access_token", "password", "secret")


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header name (lower case) -> value, secrets replaced; repeated names are joined."""
    out: dict[str, str] = {}
    for name, value in headers:
        name = name.lower()
        if name in _SECRET_HEADERS:
            value = REDACTED
        elif not _PLAIN_HEADERS.match(name) and looks_like_key(value):
            value = REDACTED
        else:
            value = redact_text(value)
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def redact_url(url: str) -> str:
    """The URL with secret-looking query values (and any `user:password@`) replaced. Plain
    string work on the URL as sent (values stay percent-encoded; a key needs no decoding to
    look like one)."""
    base, mark, query = url.partition("?")
    scheme, sep, rest = base.partition("://")
    if sep:
        host, slash, path = rest.partition("/")
        base = f"{scheme}://{host.rpartition('@')[2]}{slash}{path}"
    params = []
    for pair in query.split("&") if query else ():
        name, eq, value = pair.partition("=")
        secret = eq and (_secret_name(name) or looks_like_key(value))
        params.append(f"{name}={REDACTED}" if secret else pair)
    return base + mark + "&".join(params)
