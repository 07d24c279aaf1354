"""Pure URL routing: lane and scenario prefixes, API paths, WebSocket paths, admin paths.

    /v1/...                         default lane
    /lane/<id>/v1/...               lane <id>: its own queue and journal
    /scenario/<name>/v1/...         play the named scenario
    /lane/<id>/scenario/<name>/v1   both
    /_mock/...                      admin API

HTTP API paths come from the format registry (`core.formats.FORMATS`: each format's route
patterns), so a new format brings its routes; WebSocket paths map to a protocol of core/ws/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.formats import FORMATS, Format, RoutePattern
from mockserver.transport.state import DEFAULT_LANE

__all__ = ["Route", "ApiRoute", "parse_route", "api_route", "API_ROUTES", "WS_ROUTES"]

#: (route pattern, format) for every format's routes, in registry order
API_ROUTES: tuple[tuple[RoutePattern, Format], ...] = tuple(
    (pattern, fmt) for fmt in FORMATS.values() for pattern in fmt.routes
)

#: WebSocket path -> protocol (core/ws/session.py)
WS_ROUTES: dict[str, str] = {
    "/v1/ws/chat": "chat", "/v1/realtime": "realtime", "/v1/responses": "responses",
}


@dataclass(frozen=True)
class ApiRoute:
    """The format an API path belongs to, the pattern it matched and its path parameters."""

    format: Format
    pattern: RoutePattern
    params: dict[str, str] = field(default_factory=dict)


def api_route(path: str) -> ApiRoute | None:
    """The API route of `path` (prefixes removed), or None for an unknown URL."""
    for pattern, fmt in API_ROUTES:
        params = pattern.match(path)
        if params is not None:
            return ApiRoute(fmt, pattern, params)
    return None


@dataclass(frozen=True)
class Route:
    lane: str
    scenario: str | None
    path: str  # the API path with prefixes removed, e.g. /v1/chat/completions
    admin: bool = False


def parse_route(path: str) -> Route:
    lane = DEFAULT_LANE
    scenario = None
    parts = path.split("/")
    # parts[0] is "" for absolute paths
    i = 1
    if len(parts) > i + 1 and parts[i] == "lane" and parts[i + 1]:
        lane = parts[i + 1]
        i += 2
    if len(parts) > i + 1 and parts[i] == "scenario" and parts[i + 1]:
        scenario = parts[i + 1]
        i += 2
    rest = "/" + "/".join(parts[i:])
    if rest != "/" and rest.endswith("/"):
        rest = rest.rstrip("/")
    return Route(lane=lane, scenario=scenario, path=rest, admin=rest.startswith("/_mock"))
