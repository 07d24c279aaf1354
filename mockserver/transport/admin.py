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
`state_unavailable`) answers in the same shape. Bodies are refused with 413 past
`admin_max_body` (1 MiB) before they are read (Content-Length, or while a chunked body
streams in); JSON is strict (core/strict_json.py) and YAML is parsed within a budget
(core/safe_yaml.py) in a worker thread, so a bomb gets 422 naming the limit and the event
loop keeps serving. Every answer, errors and failures included, is JSON in the OpenAI error
shape; nothing here can make uvicorn answer its plain-text 500. With `--admin-token`, every
admin call, and every request that carries an X-Mock-* header, needs `Authorization: Bearer
<token>` (or `X-Mock-Token: <token>`); `security.check_bind` refuses a non-loopback address
without one. The inspector's page and stream also take it as `?token=`, since a browser opens
them without headers.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from mockserver.core import strict_json
from mockserver.core.scenario import Scenario
from mockserver.errors import ApiError, ConfigError
from mockserver.faults import catalog
from mockserver.transport.faillog import log_failure
from mockserver.transport.gate import read_body
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


#: nodes an uploaded YAML document may have (aliases expanded): composing costs about 8 us
#: a node, so the admin API keeps a twentieth of a file's budget (a refusal within ~100 ms);
#: a scenario is a few dozen nodes, a longer script goes in as JSON or with --scenarios
ADMIN_YAML_NODES = 10_000


def _parse_yaml(text: str) -> Any:
    """YAML within its budget; `YamlBudgetError` (naming the limit) or ValueError."""
    import yaml  # only scenario uploads need it; keeps it off the server's start-up path

    from mockserver.core import safe_yaml

    try:
        return safe_yaml.load(text, safe_yaml.YamlBudget(max_nodes=ADMIN_YAML_NODES))
    except safe_yaml.YamlBudgetError:
        raise
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None


async def _parse_body(raw: bytes, content_type: str) -> Any:
    """Strict JSON when the content type says so, else YAML (a superset) parsed in a worker
    thread; raises ValueError (`StrictJSONError`, `YamlBudgetError`)."""
    if "json" in content_type:
        return strict_json.loads(raw)
    text = raw.decode("utf-8")
    if len(text) < 2048:  # a small document parses faster than a thread hop
        return _parse_yaml(text)
    return await asyncio.to_thread(_parse_yaml, text)


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
    except ApiError as exc:  # a body too large, or the lane store refused or is unreachable
        response = _error(exc.status, exc.message, param=exc.param, code=exc.code,
                          type=exc.type)
    except Exception as exc:  # noqa: BLE001 - a bug answers 500 in the API's shape, not uvicorn's
        app.state.errors.append(exc)
        log_failure(f"internal error in {request.method} {route.path}", exc)
        response = JSONResponse({"error": {
            "message": f"mockserver internal error: {exc!r}"[:1000], "type": "server_error",
            "param": None, "code": None}}, status_code=500)
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
    raw = await read_body(request, state.config.admin_max_body)  # 413 before reading too much
    from mockserver.core.safe_yaml import YamlBudgetError

    try:
        doc = await _parse_body(raw, request.headers.get("content-type", ""))
    except YamlBudgetError as exc:
        return _error(422, f"YAML over its budget ({exc.limit}): {exc}", param=exc.limit,
                      code="yaml_budget_exceeded")
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
