"""The admin API under /_mock/: health, catalogue, scenarios, journal, reset, events, ui.

    GET  /_mock/health                 {"status": "ok"}
    GET  /_mock/catalog                {"faults": [...], "scenarios": [...]}
    POST /_mock/scenarios[?lane=ID]    JSON or YAML body, one scenario or a list -> 201 {"ids"}
    GET  /_mock/scenarios[?lane=ID]    the lane's queue
    GET  /_mock/journal[?lane=ID]      {"requests": [...]} in arrival order (`&timeline=1`: each
                                       with its wire timeline, inspector/timeline.py; with
                                       --state, also "evicted": entries the bounds dropped)
    POST /_mock/reset[?lane=ID]        clear queues and journals
    GET  /_mock/events[?lane=ID]       the journal as server-sent events (inspector/stream.py)
    GET  /_mock/ui[?lane=ID]           the live inspector page (inspector/page.py)

Queues and journals come from the app's lane store, so with `--state` any worker answers for
all of them. A bad scenario gets 422 with the field path in `param`; a store that refuses
(400 `state_required`: several workers without --state) or cannot reach its state (503
`state_unavailable`) answers in the same shape. With `--admin-token`, every admin call,
and every request that carries an X-Mock-* header, needs `Authorization: Bearer <token>` (or
`X-Mock-Token: <token>`); `security.check_bind` refuses a non-loopback address without one.
The inspector's page and stream also take it as `?token=`, since a browser opens them without
headers.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from mockserver.core.scenario import Scenario
from mockserver.errors import ApiError, ConfigError
from mockserver.faults import catalog
from mockserver.transport.routing import Route
from mockserver.transport.security import query_token_ok, token_ok
from mockserver.transport.state import DEFAULT_LANE

__all__ = ["handle", "describe_scenario", "token_ok"]

_ENDPOINTS = {"health": ("GET",), "catalog": ("GET",), "scenarios": ("GET", "POST"),
              "journal": ("GET",), "reset": ("POST",), "events": ("GET",), "ui": ("GET",)}
#: served by the inspector (raw ASGI, not JSON)
_INSPECTOR = ("events", "ui")


def _error(
    status: int, message: str, *, param: str | None = None, code: str | None = None,
    type: str = "invalid_request_error",
) -> JSONResponse:
    body = {"message": message, "type": type, "param": param, "code": code}
    return JSONResponse({"error": body}, status_code=status)


def describe_scenario(scenario: Scenario) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "responses": len(scenario.responses),
        "times": scenario.times if scenario.times is not None else "always",
        "faults": [f.spec() for f in scenario.faults],
    }


def _parse_body(raw: bytes, content_type: str) -> Any:
    """JSON when the content type says so, else YAML (a superset); raises ValueError."""
    text = raw.decode("utf-8")
    if "json" in content_type:
        return json.loads(text)
    import yaml  # only scenario uploads need it; keeps it off the server's start-up path

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None


async def handle(app: Any, scope: dict[str, Any], receive: Any, send: Any, route: Route) -> None:
    request = Request(scope, receive)
    name = route.path[len("/_mock"):].strip("/")
    token = app.state.config.admin_token
    if name in _INSPECTOR and request.method == "GET" and (
        token_ok(request.headers, token) or query_token_ok(request.query_params, token)
    ):
        await _inspector(app, name, request, route, scope, receive, send)
        return
    try:
        response = await _dispatch(app, request, route)
    except ApiError as exc:  # from the lane store: refused (no shared state) or unreachable
        response = _error(exc.status, exc.message, param=exc.param, code=exc.code,
                          type=exc.type)
    await response(scope, receive, send)


def _lane(request: Request, route: Route) -> str | None:
    """?lane=ID, or the /lane/<id>/_mock/... prefix; None: every lane."""
    return request.query_params.get("lane") or (
        route.lane if route.lane != DEFAULT_LANE else None
    )


async def _inspector(app: Any, name: str, request: Request, route: Route,
                     scope: dict[str, Any], receive: Any, send: Any) -> None:
    if name == "ui":
        from mockserver.transport.inspector.page import serve_page

        await serve_page(send)
        return
    from mockserver.transport.inspector.stream import serve_events

    last_id = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    await serve_events(app.state.feed, scope, receive, send, lane=_lane(request, route),
                       last_id=last_id)


async def _dispatch(app: Any, request: Request, route: Route) -> JSONResponse:
    state, lanes = app.state, app.lanes
    if not token_ok(request.headers, state.config.admin_token):
        return _error(401, "The admin API needs Authorization: Bearer <admin token>.",
                      code="invalid_admin_token")
    chosen = _lane(request, route)  # journal and reset default to every lane
    name = route.path[len("/_mock"):].strip("/")
    method = request.method
    if name not in _ENDPOINTS:
        return _error(404, f"Unknown admin endpoint /_mock/{name}; known: "
                      f"{', '.join(sorted(_ENDPOINTS))}", code="unknown_url")
    if method not in _ENDPOINTS[name]:
        return _error(405, f"Use {' or '.join(_ENDPOINTS[name])} for /_mock/{name}",
                      code="method_not_allowed")
    if name == "health":
        return JSONResponse({"status": "ok"})
    if name == "catalog":
        return JSONResponse({
            "faults": catalog(),
            "scenarios": [describe_scenario(s) for s in state.library.values()],
        })
    if name == "journal":
        timeline = request.query_params.get("timeline") in ("1", "true")
        page = await lanes.journal(chosen, timeline=timeline)
        return JSONResponse(page.to_dict())
    if name == "reset":
        await lanes.reset(chosen)
        return JSONResponse({"status": "ok", "lane": chosen})
    if name in _INSPECTOR:  # not reached: served above once the token is proven
        return _error(401, "The admin API needs Authorization: Bearer <admin token>.",
                      code="invalid_admin_token")
    lane = chosen or DEFAULT_LANE
    if method == "GET":
        return JSONResponse({"lane": lane, "scenarios": await lanes.queue(lane)})
    return await _enqueue(state, lanes, request, lane)


async def _enqueue(state: Any, lanes: Any, request: Request, lane: str) -> JSONResponse:
    raw = await request.body()
    if len(raw) > state.config.max_body:
        return _error(413, "Scenario body too large.", code="request_too_large")
    try:
        doc = _parse_body(raw, request.headers.get("content-type", ""))
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(422, f"Body is neither valid JSON nor YAML: {exc}", code="invalid_body")
    if doc is None or doc == []:
        return _error(422, "Empty body: send one scenario (a mapping) or a list of them.",
                      param="body", code="invalid_scenario")
    docs = doc if isinstance(doc, list) else [doc]
    scenarios = []
    for i, item in enumerate(docs):
        try:
            where = f"body[{i}]" if isinstance(doc, list) else "body"
            scenarios.append(Scenario.from_dict(item, where=where))
        except ConfigError as exc:
            prefix = f"[{i}]." if isinstance(doc, list) else ""
            return _error(422, str(exc), param=f"{prefix}{exc.path}" if exc.path else None,
                          code="invalid_scenario")
    ids = await lanes.enqueue(lane, scenarios)
    return JSONResponse({"ids": ids, "lane": lane}, status_code=201)
