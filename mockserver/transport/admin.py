"""The admin API under /_mock/: health, catalogue, scenarios, journal, reset.

Bodies of POST /_mock/scenarios may be JSON or YAML (one scenario or a list). A bad scenario
gets 422 with the field path in `param`. With `--admin-token`, every admin call needs
`Authorization: Bearer <token>`.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse

from mockserver.core.scenario import Scenario
from mockserver.errors import ConfigError
from mockserver.faults import catalog
from mockserver.transport.routing import Route
from mockserver.transport.state import DEFAULT_LANE

__all__ = ["handle", "describe_scenario"]


def _error(status: int, message: str, *, param: str | None = None, code: str | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}},
        status_code=status,
    )


def describe_scenario(scenario: Scenario) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "responses": len(scenario.responses),
        "times": scenario.times if scenario.times is not None else "always",
        "faults": [f.spec() for f in scenario.faults],
    }


def _parse_body(raw: bytes, content_type: str) -> Any:
    text = raw.decode("utf-8")
    if "json" in content_type:
        return json.loads(text)
    return yaml.safe_load(text)


async def handle(app: Any, scope: dict[str, Any], receive: Any, send: Any, route: Route) -> None:
    request = Request(scope, receive)
    response = await _dispatch(app, request, route)
    await response(scope, receive, send)


async def _dispatch(app: Any, request: Request, route: Route) -> JSONResponse:
    state = app.state
    token = state.config.admin_token
    if token and request.headers.get("authorization", "") != f"Bearer {token}":
        return _error(401, "The admin API needs Authorization: Bearer <admin token>.",
                      code="invalid_admin_token")
    lane = request.query_params.get("lane") or (route.lane if route.lane != DEFAULT_LANE else DEFAULT_LANE)
    name = route.path[len("/_mock"):].strip("/")
    method = request.method
    allowed = {"health": "GET", "catalog": "GET", "scenarios": "POST", "journal": "GET", "reset": "POST"}
    if name not in allowed and not (name == "scenarios" and method == "GET"):
        return _error(404, f"Unknown admin endpoint /_mock/{name}", code="unknown_url")
    if method != allowed[name] and not (name == "scenarios" and method == "GET"):
        return _error(405, f"Use {allowed[name]} for /_mock/{name}", code="method_not_allowed")
    if name == "health":
        return JSONResponse({"status": "ok"})
    if name == "catalog":
        return JSONResponse({
            "faults": catalog(),
            "scenarios": [describe_scenario(s) for s in state.library.values()],
        })
    if name == "journal":
        entries = state.journal(request.query_params.get("lane"))
        return JSONResponse({"requests": [e.to_dict() for e in entries]})
    if name == "reset":
        state.reset(request.query_params.get("lane"))
        return JSONResponse({"status": "ok"})
    if method == "GET":
        with state.lock:
            queue = [q.describe() for q in state.lane(lane).queue]
        return JSONResponse({"lane": lane, "scenarios": queue})
    return await _enqueue(state, request, lane)


async def _enqueue(state: Any, request: Request, lane: str) -> JSONResponse:
    raw = await request.body()
    if len(raw) > state.config.max_body:
        return _error(413, "Scenario body too large.", code="request_too_large")
    try:
        doc = _parse_body(raw, request.headers.get("content-type", ""))
    except (ValueError, yaml.YAMLError, UnicodeDecodeError) as exc:
        return _error(422, f"Body is neither valid JSON nor YAML: {exc}", code="invalid_body")
    docs = doc if isinstance(doc, list) else [doc]
    scenarios = []
    for i, item in enumerate(docs):
        try:
            scenarios.append(Scenario.from_dict(item, where=f"body[{i}]" if isinstance(doc, list) else "body"))
        except ConfigError as exc:
            return _error(422, str(exc), param=exc.path or None, code="invalid_scenario")
    ids = state.enqueue(lane, scenarios)
    return JSONResponse({"ids": ids, "lane": lane}, status_code=201)
