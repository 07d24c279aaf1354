"""Where proxied requests go (`serve --upstream [PREFIX=]URL`, repeatable) and what passes.

    --upstream http://127.0.0.1:8001            the default: every API path
    --upstream /api=http://127.0.0.1:11434      paths under /api (Ollama), longest prefix wins

The request's path, with its `/lane/<id>` and `/scenario/<name>` prefixes already removed, is
appended to the upstream URL, which may carry a path of its own:
`/lane/a/v1/chat/completions` goes to `http://127.0.0.1:8001/v1/chat/completions`, and with
`--upstream http://host/base` to `http://host/base/v1/chat/completions`.

Headers pass through both ways except the hop-by-hop ones (RFC 9110 7.6.1), `X-Mock-*` (ours),
and those the proxy re-makes: it asks for an uncompressed body (it reads the events), frames
the body itself, and answers CORS by its own policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mockserver.core.request import RequestView
from mockserver.errors import ConfigError
from mockserver.faults import Fault

__all__ = [
    "Upstream", "Forward", "parse_upstream", "pick", "request_headers", "response_headers",
]

_HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})
#: request headers the proxy sets itself (httpx writes host and content-length)
_REQUEST_OWN = frozenset({"host", "content-length", "accept-encoding", "expect"})
#: response headers the proxy re-makes: the body is re-framed, uncompressed, CORS is ours
_RESPONSE_OWN = frozenset({"content-length", "content-encoding", "date"})  # uvicorn dates


@dataclass(frozen=True)
class Upstream:
    """One upstream: the path prefix it serves ("" for every path) and its base URL."""

    prefix: str
    url: str

    def target(self, path: str, query: str = "") -> str:
        """The upstream URL of an API path (prefixes stripped) and its query string."""
        base = self.url.rstrip("/")
        return f"{base}{path}" + (f"?{query}" if query else "")

    def serves(self, path: str) -> bool:
        return not self.prefix or path == self.prefix or path.startswith(self.prefix + "/")


@dataclass
class Forward:
    """A request the upstream answers, and what the mock adds to it."""

    upstream: Upstream
    view: RequestView  # how the route reads the request: format, stream flag, model
    method: str
    path: str  # the API path, lane and scenario prefixes removed
    query: str
    headers: list[tuple[str, str]]
    body: bytes  # byte for byte what the client sent
    faults: list[Fault] = field(default_factory=list)
    seed: int = 0
    scenario: str | None = None  # "chaos" when chaos drew the fault
    origin: str | None = None
    #: the path is a route of one of the mock's formats (a recording of it can be replayed)
    known_route: bool = True


def parse_upstream(value: str) -> Upstream:
    """`URL` or `PREFIX=URL` (`--upstream`); a clear error names what is wrong."""
    prefix, sep, url = value.partition("=")
    if not sep or "://" in prefix:
        prefix, url = "", value
    prefix = prefix.strip().rstrip("/")
    if prefix and not prefix.startswith("/"):
        raise ConfigError(f"--upstream {value!r}: the route prefix must start with '/', "
                          f"e.g. /api=http://127.0.0.1:11434")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"--upstream {value!r}: expected an http(s) URL such as "
                          f"http://127.0.0.1:11434 (optionally PREFIX=URL)")
    if parts.query or parts.fragment:
        raise ConfigError(f"--upstream {value!r}: the URL takes no query or fragment")
    return Upstream(prefix, url.strip().rstrip("/"))


def pick(upstreams: Sequence[Upstream], path: str) -> Upstream | None:
    """The upstream for an API path: the longest matching prefix, else the default."""
    best: Upstream | None = None
    for upstream in upstreams:
        if upstream.serves(path) and (best is None or len(upstream.prefix) > len(best.prefix)):
            best = upstream
    return best


def _mock_header(name: str) -> bool:
    return name.startswith("x-mock-")


def request_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the client sent, minus hop-by-hop, X-Mock-* and what the proxy sets itself; the
    upstream is asked for an uncompressed body."""
    out = [(k, v) for k, v in headers
           if k not in _HOP_BY_HOP and k not in _REQUEST_OWN and not _mock_header(k)]
    return out + [("accept-encoding", "identity")]


def response_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the upstream answered, minus hop-by-hop, X-Mock-*, CORS (the proxy's own policy
    applies, faults included) and what the proxy re-makes."""
    return [(k, v) for k, v in headers
            if k not in _HOP_BY_HOP and k not in _RESPONSE_OWN and not _mock_header(k)
            and not k.startswith("access-control-")]
