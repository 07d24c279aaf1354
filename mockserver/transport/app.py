"""The ASGI app: route, check, choose what the request gets, compile a plan, play it.

    request ─► routing.parse_route ─► admin (/_mock/) | WebSocket (routing.WS_ROUTES) | API
    API:  routing.api_route (the formats' routes) ─► gate (auth, body size, JSON, the format's
          view, model) ─► choose (SPEC 2.3 order) ─► compile_plan (pure)
          ─► http_player.play ─► journal, feed (start and end events) + one log line
          with --upstream, what no scenario answers ─► proxy.Proxy (transport/proxy.py),
          journaled and published the same way
    WebSocket: ws_app.serve_ws (imported on the first upgrade) ─► ws_player

Every request is journaled (arrival order, what was sent, outcome), then settled: sized
against the journal's caps, a large body or answer kept short (journal_bounds.py), proxied
requests too. Bad input never raises out of here: it becomes an error plan in the route's
own shape, one log line (with the reason, e.g. `detail="nested deeper than 256 levels"`),
and the server keeps serving; a body that is not strict JSON gets its 400 before anything
is forwarded; a bug is a 500 whose traceback is logged once per kind (faillog.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import ClientDisconnect, Request

from mockserver.core.compile import compile_plan
from mockserver.core.formats import compile_error, compile_json, view_for
from mockserver.core.formats.embeddings_models import embeddings_body, model_object, models_body
from mockserver.core.models import ModelInfo
from mockserver.core.plan import Start, WirePlan
from mockserver.core.request import RequestView, parse_json_body, parse_json_value
from mockserver.core.response import ErrorReply
from mockserver.errors import ApiError
from mockserver.transport import admin, chaos, gate
from mockserver.transport.choose import choose
from mockserver.transport.faillog import log_failure, short
from mockserver.transport.forwarding import (
    check_auth,
    forward_of,
    lenient_view,
    make_proxy,
    play_forwarded,
)
from mockserver.transport.get_stream import body_from_query, has_get_form
from mockserver.transport.http_player import Played, play
from mockserver.transport.journal import JournalEntry
from mockserver.transport.journal_bounds import keep_body
from mockserver.transport.lane_store import LaneStore, LocalLanes
from mockserver.transport.routing import WS_ROUTES, Route, api_route, parse_route
from mockserver.transport.state import ServerState
from mockserver.transport.upstreams import Forward

if TYPE_CHECKING:
    from mockserver.transport.proxy import Proxy

__all__ = ["MockApp"]

log = logging.getLogger("mockserver")


class MockApp:
    """ASGI application over a `ServerState` (config, library, models) and a `LaneStore`
    (lanes, queues, journal: in this process by default, or shared, see lane_store.py)."""

    def __init__(self, state: ServerState, lanes: LaneStore | None = None) -> None:
        self.state = state
        self.lanes: LaneStore = lanes if lanes is not None else LocalLanes(state)
        self.proxy: Proxy | None = make_proxy(state.config) if state.config.upstreams else None

    async def aclose(self) -> None:
        """Close what the app opened in the server's loop (the upstream client)."""
        if self.proxy is not None:
            await self.proxy.aclose()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await self._serve(scope, receive, send)
        except asyncio.CancelledError:
            # uvicorn cancels what is still in flight 0.5 s into a shutdown (a stall, a held
            # stream) and logs a traceback for any exception out of the app: this task is
            # the request's root and nobody awaits its result, so it just ends here.
            return

    async def _serve(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            route = parse_route(scope["path"])
            protocol = WS_ROUTES.get(route.path)
            if protocol is None:
                await send({"type": "websocket.close", "code": 1008})
                return
            # WebSocket support (and `websockets`) loads on the first upgrade, not at start-up
            from mockserver.transport.ws_app import serve_ws

            await serve_ws(self, scope, receive, send, route, protocol)
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
        entry = JournalEntry(
            index=-1, method=request.method, path=scope["path"], lane=route.lane,
            headers={k.lower(): v for k, v in request.headers.items()}, body=None,
        )
        detail = None
        try:
            lane_index, entry.index = await self.lanes.next_request(route.lane)
            await self.lanes.opened(entry)
            plan = await self._plan(request, route, entry, lane_index)
        except ClientDisconnect:  # gone before its body was complete: nobody to answer
            entry.outcome = "client_disconnected"
            self.log_line(entry)
            return
        except ApiError as exc:
            plan, detail = self.error_plan(exc, route, request), exc.detail
        except Exception as exc:  # noqa: BLE001 - any bug becomes a 500, the server keeps serving
            self.state.errors.append(exc)
            log_failure(f"internal error in {request.method} {route.path}", exc)
            error = ApiError(500, f"mockserver internal error: {exc!r}"[:1000],
                             type="server_error")
            plan = self.error_plan(error, route, request)
        if isinstance(plan, Forward):
            assert self.proxy is not None
            await play_forwarded(self.proxy, self.state, self.lanes, plan, scope, receive, send,
                                 entry)
            self.log_line(entry)
            return
        entry.plan = plan
        entry.status = plan.status
        entry.scenario = entry.scenario or plan.scenario
        entry.faults = plan.faults

        def note(outcome: str, sent: int) -> None:
            entry.outcome, entry.bytes_sent = outcome, sent

        feed = self.state.feed
        feed.publish("start", entry)
        if feed.capture:  # the inspector watches: record when each op goes out
            entry.marks = []
        try:
            played: Played = await play(plan, scope, receive, send, note, entry.marks)
        except Exception as exc:  # noqa: BLE001 - recorded for check(); the server keeps serving
            self.state.errors.append(exc)
            entry.error = short(repr(exc), 1000)
            note("error", entry.bytes_sent)
            log_failure("failed while playing a plan", exc)
        else:
            note(played.outcome, played.bytes_sent)
        if entry.index >= 0:
            await self.lanes.closed(entry)  # in process: settled against the journal's caps
        feed.publish("end", entry)
        self.log_line(entry, detail)

    def log_line(self, entry: JournalEntry, detail: str | None = None) -> None:
        """The one line a request gets in the log (`detail`: why it was refused)."""
        if self.state.config.log:
            faults = ";".join(entry.faults) or "-"
            why = f' detail="{short(detail)}"' if detail else ""
            upstream = f" upstream={short(entry.upstream)}" if entry.upstream else ""
            log.info(
                "%s %s lane=%s scenario=%s faults=%s status=%s outcome=%s%s%s",
                entry.method, short(entry.path), entry.lane, entry.scenario or "-", faults,
                entry.status, entry.outcome, upstream, why,
            )

    def error_plan(self, exc: ApiError, route: Route, request: Request) -> WirePlan:
        """The plan of an error answer in the route's own error shape."""
        found = api_route(route.path)
        view = RequestView(api=found.format.name if found else "chat", path=route.path)
        error = ErrorReply(
            status=exc.status, type=exc.type, message=exc.message, code=exc.code, param=exc.param,
            headers=tuple(exc.headers.items()),
        )
        draft = compile_error(error, view, 0)
        return compile_plan(view, draft=draft, origin=request.headers.get("origin"))

    async def _plan(
        self, request: Request, route: Route, entry: JournalEntry, index: int
    ) -> WirePlan | Forward:
        method, path = request.method, route.path
        origin = request.headers.get("origin")
        config = self.state.config
        if method == "OPTIONS":
            return await gate.preflight_plan(self.state, self.lanes, request, route)
        found = api_route(path)
        if found is not None and found.format.name == "models" and (
                "x-goog-api-key" in request.headers or "key" in request.query_params):
            found = api_route("/v1beta" + path[len("/v1"):]) or found  # google-genai 3: /v1
        upstream = self.proxy.target(path) if self.proxy is not None else None
        if upstream is not None and (found is None or found.format.name == "models"
                                     or found.format.renderer.listing is not None):
            # no scenario answers these: the upstream's own routes and model lists
            api = found.format.name if found else "chat"
            view = RequestView(api=api, path=path)
            check_auth(config.api_key, request, api, forwarding=True)
            raw = await self._read_forwarded(request, entry)
            forward = await forward_of(self.state, self.lanes, request, route, upstream, view,
                                       raw, index)
            forward.known_route = False  # nothing a replay could answer
            return forward
        if found is None:
            raise ApiError(404, f"Invalid URL ({method} {path})", code="unknown_url")
        api = found.format.name
        if found.format.renderer.listing is not None:  # model lists (Gemini, Ollama)
            return await self._listing_plan(request, found, path, entry)
        if api == "models" and "model" in found.params:
            return self._model_plan(method, found.params["model"], request)
        methods = found.pattern.methods
        get_form = method == "GET" and has_get_form(route)  # EventSource: see get_stream.py
        if method not in methods and not get_form:
            raise ApiError(405, f"Method {method} not allowed for {path}; use "
                           f"{' or '.join(methods)}.", code="method_not_allowed",
                           headers={"allow": ", ".join(methods)})
        check_auth(config.api_key, request, api, forwarding=upstream is not None)
        if api == "models":
            body = models_body(self.state.models.listed())
            return compile_plan(RequestView(api="models", path=path), draft=compile_json(body),
                                origin=origin)
        raw = b""
        if get_form:
            body = entry.body = body_from_query(request.query_params)
        else:
            raw, body = await self._read_json(request, entry)
        try:
            view = view_for(api, path, body, found.params)
            info: ModelInfo | None = gate.known_model(self.state.models, api, view.model or "")
        except ApiError:
            if upstream is None:
                raise
            # the upstream judges what it accepts (its own fields, its own models and errors);
            # the body itself was strict JSON all the same: a hostile one got its 400 above
            view = lenient_view(api, path, body, found.params)
            info = None
        choice = await choose(
            self.state, self.lanes, route, request.headers, model=view.model, index=index,
            draw_chaos=lambda: chaos.draw(config.chaos, config.seed, route.lane, index,
                                          chaos.pool_for(view)),
            body=body if isinstance(body, dict) else None,
        )
        entry.scenario = choice.name
        if upstream is not None and not choice.response.scripted:
            # nothing scripted (no scenario, or one that only adds faults): the upstream answers
            forward = await forward_of(self.state, self.lanes, request, route, upstream, view,
                                       raw, index, choice)
            if get_form:  # an EventSource's GET: the upstream gets the POST it stands for
                forward.method, forward.query = "POST", ""
                forward.body = json.dumps(body).encode()
                forward.headers.append(("content-type", "application/json"))
            return forward
        if upstream is not None:  # a scenario answers after all: the mock's checks apply
            check_auth(config.api_key, request, api, forwarding=False)
            if info is None:
                view = view_for(api, path, body, found.params)
                info = gate.known_model(self.state.models, api, view.model or "")
        assert info is not None
        response = choice.response
        if api == "embeddings":
            draft = (compile_error(response.error, view, choice.seed) if response.error
                     else compile_json(embeddings_body(view, info), seed=choice.seed, api=api))
            return _with_fault_header(compile_plan(
                view, draft=draft, seed=choice.seed, faults=choice.faults, origin=origin,
                scenario=choice.name,
            ))
        scenario_timing = choice.scenario.timing if choice.scenario else None
        timing = None if config.fast else scenario_timing or config.timing
        return _with_fault_header(compile_plan(
            view, response=response, seed=choice.seed, timing=timing,
            faults=choice.faults, model=info.resolved, origin=origin, scenario=choice.name,
        ))

    async def _listing_plan(self, request: Request, found: Any, path: str,
                            entry: JournalEntry) -> WirePlan:
        """A route that lists or describes models, in its provider's shape (`Renderer.listing`:
        Gemini's model catalogue, Ollama's tags and show)."""
        method, api = request.method, found.format.name
        if method not in found.pattern.methods:
            raise ApiError(405, f"Method {method} not allowed; use "
                           f"{' or '.join(found.pattern.methods)}.", code="method_not_allowed",
                           headers={"allow": ", ".join(found.pattern.methods)})
        config = self.state.config
        gate.check_auth(config.api_key, request.headers, api, request.query_params)
        body = (await self._read_json(request, entry))[1] if method == "POST" else None
        listing = found.format.renderer.listing
        assert listing is not None
        answer = listing(method, path, found.params, body or {}, self.state.models)
        return compile_plan(RequestView(api=api, path=path), draft=compile_json(answer, api=api),
                            origin=request.headers.get("origin"))

    async def _read_json(self, request: Request, entry: JournalEntry) -> tuple[bytes, Any]:
        """The request's body, as sent and as strict JSON (a 400 in the route's shape
        otherwise, before anything is forwarded), journaled as it came in: parsed when it
        parses, else its text (escaped where not UTF-8), cut past 64 KiB (journal_bounds.py)."""
        raw = await gate.read_body(request, self.state.config.max_body)
        return raw, _parsed_and_kept(entry, raw, parse_json_body)

    async def _read_forwarded(self, request: Request, entry: JournalEntry) -> bytes:
        """The body of a request only the upstream answers (a route the mock does not
        serve): strict JSON when its content type says JSON (a hostile body gets the 400 here
        and never reaches the upstream), any other body as it is (a multipart upload);
        journaled within the same bounds as every body."""
        raw = await gate.read_body(request, self.state.config.max_body)
        if not raw or "json" not in request.headers.get("content-type", ""):
            keep_body(entry, raw)
            return raw
        _parsed_and_kept(entry, raw, parse_json_value)
        return raw

    def _model_plan(self, method: str, model_id: str, request: Request) -> WirePlan:
        gate.check_auth(self.state.config.api_key, request.headers, "models")
        info = self.state.models.get(model_id)
        if info is None:
            raise ApiError(404, f"The model '{model_id}' does not exist", param="model",
                           code="model_not_found")
        if method == "GET":
            body: Any = model_object(info)
        elif method == "DELETE":
            body = {"id": info.id, "object": "model", "deleted": True}
        else:
            raise ApiError(405, f"Method {method} not allowed.", code="method_not_allowed")
        return compile_plan(RequestView(api="models", path="/v1/models"),
                            draft=compile_json(body), origin=request.headers.get("origin"))


def _with_fault_header(plan: WirePlan) -> WirePlan:
    """Name the applied faults in an `x-mock-fault` response header (chaos is visible)."""
    if not plan.faults or plan.start is None:
        return plan
    ops = tuple(
        Start(op.status, (*op.headers, ("x-mock-fault", "; ".join(plan.faults))))
        if isinstance(op, Start) else op
        for op in plan.ops
    )
    return WirePlan(ops=ops, scenario=plan.scenario, faults=plan.faults, streaming=plan.streaming)


def _parsed_and_kept(entry: JournalEntry, raw: bytes, parse: Callable[[bytes], Any]) -> Any:
    """`parse(raw)`, with the body journaled either way: parsed when it parses, else as the
    text that came in (the ApiError then goes on to the client in the route's shape)."""
    try:
        body = parse(raw)
    except ApiError:
        keep_body(entry, raw)
        raise
    keep_body(entry, raw, body)
    return body
