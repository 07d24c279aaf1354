"""The ASGI app: route, validate, choose what the request gets, compile a plan, play it.

Choosing (SPEC 2.3, first match wins for the scenario; faults add up):
  X-Mock-Fault header  ─► faults added to whatever the request gets
  X-Mock-Scenario / /scenario/<name>/v1 ─► a named scenario from the library
  the lane's queue     ─► first queued scenario matching path and model
  chaos (--chaos RATE) ─► a seeded draw adds one fault to that share of requests (not to
                          requests that chose a scenario or sent X-Mock-Fault)
  faithful default

Every request is journaled (arrival order, what was sent, outcome) and logged in one line.
Bad input never raises out of here: it becomes an OpenAI-format error plan.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request

from mockserver.core.compile import compile_error, compile_json, compile_plan
from mockserver.core.formats import FORMATS
from mockserver.core.plan import Close, Start, WirePlan
from mockserver.core.render_misc import embeddings_body, model_object, models_body
from mockserver.core.request import RequestView, parse_json_body, view_for
from mockserver.core.scenario import ErrorReply, Response, Scenario
from mockserver.errors import ApiError, ConfigError
from mockserver.faults import Fault, parse_faults
from mockserver.transport import admin, chaos
from mockserver.transport.player import Played, play
from mockserver.transport.routing import API_ROUTES, Route, parse_route
from mockserver.transport.state import JournalEntry, ServerState
from mockserver.transport.ws import WS_ROUTES
from mockserver.transport import ws_app  # noqa: F401  (registers the WebSocket routes in WS_ROUTES)

__all__ = ["MockApp", "create_app"]

log = logging.getLogger("mockserver")


def _seed_for(base: int, lane: str, index: int) -> int:
    digest = hashlib.sha256(f"{base}:{lane}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


class _Choice:
    """What one request gets: response script, seed, timing, faults, scenario name."""

    def __init__(self) -> None:
        self.scenario: Scenario | None = None
        self.name: str | None = None
        self.response = Response()
        self.seed = 0
        self.faults: list[Fault] = []


class MockApp:
    """ASGI application over a `ServerState`."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            route = parse_route(scope["path"])
            handler = WS_ROUTES.get(route.path)
            if handler is None:
                await send({"type": "websocket.close", "code": 1008})
                return
            await handler(self, scope, receive, send, route)
        elif kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        route = parse_route(scope["path"])
        if route.admin:
            await admin.handle(self, scope, receive, send, route)
            return
        request = Request(scope, receive)
        lane_index, number = self.state.next_request(route.lane)
        entry = JournalEntry(
            index=number, method=request.method, path=scope["path"], lane=route.lane,
            headers={k.lower(): v for k, v in request.headers.items()}, body=None,
        )
        self.state.record(entry)
        try:
            plan = await self._plan(request, route, entry, lane_index)
        except ApiError as exc:
            plan = self.error_plan(exc, route, request)
        except Exception as exc:  # noqa: BLE001 - any bug becomes a 500, the server keeps serving
            self.state.errors.append(exc)
            log.exception("mockserver: internal error")
            plan = self.error_plan(ApiError(500, f"mockserver internal error: {exc!r}", type="server_error"), route, request)
        entry.plan = plan
        entry.status = plan.status
        entry.scenario = entry.scenario or plan.scenario
        entry.faults = plan.faults

        def note(outcome: str, sent: int) -> None:
            entry.outcome, entry.bytes_sent = outcome, sent

        try:
            played: Played = await play(plan, scope, receive, send, note)
        except Exception as exc:  # noqa: BLE001 - recorded for check(); the server keeps serving
            self.state.errors.append(exc)
            entry.error = repr(exc)
            note("error", entry.bytes_sent)
            log.exception("mockserver: failed while playing a plan")
        else:
            note(played.outcome, played.bytes_sent)
        self.log_line(entry)

    def log_line(self, entry: JournalEntry) -> None:
        if self.state.config.log:
            faults = ";".join(entry.faults) or "-"
            log.info(
                "%s %s lane=%s scenario=%s faults=%s status=%s outcome=%s",
                entry.method, entry.path, entry.lane, entry.scenario or "-", faults,
                entry.status, entry.outcome,
            )

    # -- errors -------------------------------------------------------------------------
    def error_plan(self, exc: ApiError, route: Route, request: Request, api: str = "chat") -> WirePlan:
        api = API_ROUTES.get(route.path, ("", api))[1] or api
        view = RequestView(api=api if api in FORMATS else "chat", path=route.path)
        error = ErrorReply(
            status=exc.status, type=exc.type, message=exc.message, code=exc.code, param=exc.param,
            headers=tuple(exc.headers.items()),
        )
        draft = compile_error(error, view, 0)
        return compile_plan(view, draft=draft, origin=request.headers.get("origin"))

    def _auth(self, request: Request, api: str) -> None:
        key = self.state.config.api_key
        if key is None:
            return
        given = None
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if api == "messages" and request.headers.get("x-api-key"):
            given = request.headers["x-api-key"]
        if given != key and api == "messages":
            message = "invalid x-api-key" if given else "x-api-key header is required"
            raise ApiError(401, message, type="authentication_error")
        if given != key:
            shown = f"{given[:3]}***{given[-4:]}" if given and len(given) > 8 else (given or "")
            message = (
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys."
                if given else
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
            )
            raise ApiError(401, message, type="invalid_request_error", code="invalid_api_key")

    async def _body(self, request: Request) -> bytes:
        limit = self.state.config.max_body
        declared = request.headers.get("content-length")
        too_big = ApiError(
            413, f"Request body too large: the limit is {limit} bytes.",
            type="invalid_request_error", code="request_too_large",
        )
        if declared and declared.isdigit() and int(declared) > limit:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)

    # -- the main path ------------------------------------------------------------------
    async def _plan(
        self, request: Request, route: Route, entry: JournalEntry, index: int
    ) -> WirePlan:
        method = request.method
        origin = request.headers.get("origin")
        if method == "OPTIONS":
            return self._preflight(request, route)
        path = route.path
        if path.startswith("/v1/models/"):
            return self._model_plan(method, path[len("/v1/models/"):], request)
        spec = API_ROUTES.get(path)
        if spec is None or spec[1] not in FORMATS and spec[1] not in ("embeddings", "models"):
            raise ApiError(404, f"Invalid URL ({method} {path})", code="unknown_url")
        expected, api = spec
        if method != expected:
            raise ApiError(405, f"Method {method} not allowed for {path}; use {expected}.",
                           code="method_not_allowed", headers={"allow": expected})
        self._auth(request, api)
        if api == "models":
            return compile_plan(RequestView(api="models", path=path),
                                draft=compile_json(models_body(self.state.models.listed())), origin=origin)
        raw = await self._body(request)
        body = parse_json_body(raw)
        entry.body = body
        view = view_for(api, path, body)
        info = self.state.models.get(view.model or "")
        if info is None:
            raise self._unknown_model(api, view.model or "")
        choice = self._choose(request, route, view, index)
        entry.scenario = choice.name
        if api == "embeddings":
            draft = compile_json(embeddings_body(view, info), seed=choice.seed, api=api)
            if choice.response.error is not None:
                draft = compile_error(choice.response.error, view, choice.seed)
            return _with_fault_header(compile_plan(
                view, draft=draft, seed=choice.seed, faults=choice.faults, origin=origin,
                scenario=choice.name,
            ))
        timing = (choice.scenario.timing if choice.scenario and choice.scenario.timing
                  else self.state.config.timing)
        plan = compile_plan(
            view, response=choice.response, seed=choice.seed, timing=timing,
            faults=choice.faults, model=info.resolved, origin=origin, scenario=choice.name,
        )
        return _with_fault_header(plan)

    def _unknown_model(self, api: str, model: str) -> ApiError:
        if api == "messages":
            return ApiError(404, f"model: {model}", type="not_found_error")
        if api == "responses":
            return ApiError(400, f"The requested model '{model}' does not exist.",
                            param="model", code="model_not_found")
        return ApiError(404, f"The model `{model}` does not exist or you do not have access to it.",
                        code="model_not_found")

    def _model_plan(self, method: str, model_id: str, request: Request) -> WirePlan:
        origin = request.headers.get("origin")
        self._auth(request, "models")
        info = self.state.models.get(model_id)
        if info is None:
            raise ApiError(404, f"The model '{model_id}' does not exist", param="model",
                           code="model_not_found")
        view = RequestView(api="models", path="/v1/models")
        if method == "GET":
            body: Any = model_object(info)
        elif method == "DELETE":
            body = {"id": info.id, "object": "model", "deleted": True}
        else:
            raise ApiError(405, f"Method {method} not allowed.", code="method_not_allowed")
        return compile_plan(view, draft=compile_json(body), origin=origin)

    def _preflight(self, request: Request, route: Route) -> WirePlan:
        """CORS preflight: 204 with permissive headers unless a URL-chosen scenario breaks it."""
        from mockserver.core import cors

        policy = cors.DEFAULT_POLICY
        faults: Sequence[Fault] = ()
        name = route.scenario or self.state.config.scenario
        if name and name in self.state.library:
            faults = self.state.library[name].faults
        else:
            taken = self.state.take(route.lane, route.path, None, peek=True)
            if taken is not None:
                faults = taken[0].faults
        faults = tuple(faults) + tuple(self.state.config.faults)
        for fault in faults:
            policy = fault.on_cors(policy, None)
        headers = cors.headers_for(
            request.headers.get("origin"), policy, preflight=True,
            request_headers=request.headers.get("access-control-request-headers"),
        )
        status = policy.preflight_status
        return WirePlan(ops=(Start(status, tuple(headers + [("content-length", "0")])), Close("clean")),
                        scenario=name, faults=tuple(f.spec() for f in faults))

    def _choose(self, request: Request, route: Route, view: RequestView, index: int) -> _Choice:
        state = self.state
        config = state.config
        choice = _Choice()
        header_faults = request.headers.get("x-mock-fault")
        asked = request.headers.get("x-mock-scenario")
        if (header_faults or asked) and not admin.token_ok(request.headers, config.admin_token):
            raise ApiError(401, "X-Mock-* headers need the admin token (Authorization: Bearer "
                           "<admin token> or X-Mock-Token: <admin token>).",
                           param="x-mock-fault" if header_faults else "x-mock-scenario",
                           code="invalid_admin_token")
        if header_faults:
            try:
                choice.faults.extend(parse_faults(header_faults))
            except ConfigError as exc:
                raise ApiError(400, f"Invalid X-Mock-Fault header: {exc}", param="x-mock-fault",
                               code="invalid_fault_spec") from None
        name = asked or route.scenario or config.scenario
        use = 0
        if name:
            scenario = state.library.get(name)
            if scenario is None:
                known = ", ".join(sorted(state.library)) or "none"
                raise ApiError(404, f"Unknown scenario {name!r}; known scenarios: {known}",
                               param="x-mock-scenario", code="unknown_scenario")
            use = state.library_use(route.lane, name)
            choice.scenario, choice.name = scenario, name
        else:
            taken = state.take(route.lane, route.path, view.model)
            if taken is not None:
                choice.scenario, use = taken
                choice.name = choice.scenario.name or "queued"
        base_seed = _seed_for(config.seed, route.lane, index)
        if choice.scenario is not None:
            choice.response = choice.scenario.response_for(use)
            choice.faults = list(choice.scenario.faults) + choice.faults
            if choice.scenario.seed is not None:
                base_seed = choice.scenario.seed + use
        elif config.chaos > 0 and not header_faults:  # explicit faults beat a random draw
            drawn = chaos.draw(config.chaos, config.seed, route.lane, index, view)
            if drawn is not None:
                choice.faults.append(drawn)
                choice.name = "chaos"
        choice.faults.extend(config.faults)
        choice.seed = base_seed
        return choice


def _with_fault_header(plan: WirePlan) -> WirePlan:
    """Name the applied faults in an `x-mock-fault` response header (chaos is visible)."""
    if not plan.faults or plan.start is None:
        return plan
    ops = tuple(
        Start(op.status, op.headers + (("x-mock-fault", "; ".join(plan.faults)),))
        if isinstance(op, Start) else op
        for op in plan.ops
    )
    return WirePlan(ops=ops, scenario=plan.scenario, faults=plan.faults, streaming=plan.streaming)


def create_app(state: ServerState) -> MockApp:
    return MockApp(state)
