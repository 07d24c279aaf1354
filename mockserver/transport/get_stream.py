"""The GET form of a chat stream, for clients that can only GET (a browser's EventSource).

    GET /scenario/<name>/v1/chat/completions[?model=M&prompt=TEXT&include_usage=true]
    GET /lane/<id>/v1/chat/completions[?...]            (the lane's queue, like a POST)

streams exactly what a POST with the body `{"model": M, "stream": true, "messages":
[{"role": "user", "content": TEXT}]}` streams on the same URL: same scenario choice, faults,
seed and journal entry (method GET, the body it stands for). Apps that relay an LLM stream to
a browser serve it this way, and that is where `retry:`, `id:` and EventSource's reconnection
matter. Only URLs that choose what to play (a scenario or a lane) have a GET form; a GET on
the root `/v1/chat/completions` stays a 405, as the real API's chat route is POST-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.transport.routing import Route
from mockserver.transport.state import DEFAULT_LANE

__all__ = ["has_get_form", "body_from_query", "DEFAULT_MODEL", "DEFAULT_PROMPT"]

DEFAULT_MODEL = "gpt-4.1"
DEFAULT_PROMPT = "Hello"


def has_get_form(route: Route) -> bool:
    """True when a GET on this route streams: the chat path under a scenario or lane prefix."""
    return route.path == "/v1/chat/completions" and (
        route.scenario is not None or route.lane != DEFAULT_LANE
    )


def body_from_query(query: Mapping[str, str]) -> dict[str, Any]:
    """The POST body a GET stands for, from its query parameters (all optional)."""
    body: dict[str, Any] = {
        "model": query.get("model") or DEFAULT_MODEL,
        "stream": True,
        "messages": [{"role": "user", "content": query.get("prompt") or DEFAULT_PROMPT}],
    }
    if (query.get("include_usage") or "").lower() in ("1", "true", "yes"):
        body["stream_options"] = {"include_usage": True}
    return body
