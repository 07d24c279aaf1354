"""Pure URL routing: lane and scenario prefixes, API paths, admin paths.

    /v1/...                         default lane
    /lane/<id>/v1/...               lane <id>: its own queue and journal
    /scenario/<name>/v1/...         play the named scenario
    /lane/<id>/scenario/<name>/v1   both
    /_mock/...                      admin API
"""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.transport.state import DEFAULT_LANE

__all__ = ["Route", "parse_route", "API_ROUTES"]

#: api path -> (method, api name)
API_ROUTES: dict[str, tuple[str, str]] = {
    "/v1/chat/completions": ("POST", "chat"),
    "/v1/completions": ("POST", "completions"),
    "/v1/responses": ("POST", "responses"),
    "/v1/messages": ("POST", "messages"),
    "/v1/embeddings": ("POST", "embeddings"),
    "/v1/models": ("GET", "models"),
}


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
