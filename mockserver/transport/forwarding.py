"""How the app hands a request to the upstream (`serve --upstream`, SPEC 10): the checks that
still apply, how a request the mock's own validation refuses is read, what the upstream gets,
and the journal, feed and lane store around the proxy's answer.

    make_proxy(config)        the Proxy (transport/proxy.py), httpx loaded only here
    check_auth(..., forwarding=True)
                              `--api-key` is still the mock's to check (401/403 in the route's
                              shape); a format's other request checks (Azure's api-version)
                              are the upstream's to judge when it answers
    lenient_view(api, ...)    a request the format's view refused (an unknown field, a model
                              the mock does not know): read as far as the proxy needs it
                              (model, stream flag), since the upstream judges its own fields
    forward_of(...)           the `Forward`: the request as sent, the faults chosen for it
    play_forwarded(...)       the proxy plays it; published on the inspector feed (start,
                              end) and closed in the lane store like a played plan

Kept out of app.py so the app stays about routing and playing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from mockserver.core.request import RequestView
from mockserver.errors import ApiError, ConfigError
from mockserver.transport import chaos, gate
from mockserver.transport.choose import Choice, choose
from mockserver.transport.lane_store import LaneStore
from mockserver.transport.routing import Route
from mockserver.transport.state import JournalEntry, ServerConfig, ServerState
from mockserver.transport.upstreams import Forward, Upstream

if TYPE_CHECKING:
    from mockserver.transport.proxy import Proxy

__all__ = ["make_proxy", "check_auth", "lenient_view", "forward_of", "play_forwarded"]

log = logging.getLogger("mockserver")

#: the statuses of an authentication failure (OpenAI's 401, Gemini's and Bedrock's 403)
_AUTH = (401, 403)
#: route parameters that name the model (Gemini's path, Bedrock's modelId, Azure's deployment)
_MODEL_PARAMS = ("model", "modelId", "deployment")
#: paths that always stream, whatever the body says (the route decides: Gemini, Bedrock)
_STREAM_SUFFIXES = (":streamGenerateContent", "/converse-stream", "/invoke-with-response-stream")


def make_proxy(config: ServerConfig) -> Proxy:
    """The upstream proxy; httpx (the `proxy` extra) is needed only with --upstream."""
    try:
        from mockserver.transport.proxy import Proxy
    except ImportError as exc:
        if exc.name != "httpx":
            raise
        raise ConfigError("--upstream needs httpx: pip install 'mockserver[proxy]'") from None
    return Proxy(config)


def check_auth(api_key: str | None, request: Request, api: str, *, forwarding: bool) -> None:
    """The route's gate (gate.check_auth). With `forwarding` (an upstream may answer), only an
    authentication failure stops the request; the caller checks again, strictly, when a
    scenario answers after all."""
    try:
        gate.check_auth(api_key, request.headers, api, request.query_params)
    except ApiError as exc:
        if not forwarding or exc.status in _AUTH:
            raise


def lenient_view(api: str, path: str, body: Any, params: Mapping[str, str]) -> RequestView:
    """The view of a request the format refused: its model (from the route or the body) and
    whether it streams (the route, `stream: true`, or Ollama's default), nothing checked."""
    fields: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    model = next((params[p] for p in _MODEL_PARAMS if params.get(p)), None)
    if model is None and isinstance(fields.get("model"), str):
        model = fields["model"]
    default = api == "ollama"  # Ollama streams unless told not to
    stream = path.endswith(_STREAM_SUFFIXES) or fields.get("stream", default) is True
    return RequestView(api=api, path=path, stream=stream, model=model, body=fields)


async def forward_of(state: ServerState, lanes: LaneStore, request: Request, route: Route,
                     upstream: Upstream, view: RequestView, raw: bytes, index: int,
                     choice: Choice | None = None) -> Forward:
    """What the upstream gets: the request as sent, and the faults chosen for it."""
    if choice is None:  # no scenario can answer: only the faults (header, chaos, --fault)
        config = state.config
        choice = await choose(
            state, lanes, route, request.headers, model=view.model, index=index,
            draw_chaos=lambda: chaos.draw(config.chaos, config.seed, route.lane, index,
                                          chaos.pool_for(view)))
    return Forward(
        upstream=upstream, view=view, method=request.method, path=route.path,
        query=request.url.query, headers=[(k.lower(), v) for k, v in request.headers.items()],
        body=raw, faults=list(choice.faults), seed=choice.seed, scenario=choice.name,
        origin=request.headers.get("origin"),
    )


async def play_forwarded(proxy: Proxy, state: ServerState, lanes: LaneStore, fwd: Forward,
                         scope: dict[str, Any], receive: Any, send: Any,
                         entry: JournalEntry) -> None:
    """Let the upstream answer (SPEC 10); faults apply to its answer as it streams."""
    entry.scenario, entry.faults = fwd.scenario, tuple(f.spec() for f in fwd.faults)
    feed = state.feed
    feed.publish("start", entry)
    if feed.capture:  # the inspector watches: record when each op goes out
        entry.marks = []
    try:
        await proxy.play(fwd, scope, receive, send, entry)
    except Exception as exc:  # noqa: BLE001 - recorded for check(); the server keeps serving
        state.errors.append(exc)
        entry.error, entry.outcome = repr(exc), "error"
        log.exception("mockserver: failed while proxying")
    if entry.index >= 0:
        await lanes.closed(entry)
    feed.publish("end", entry)
