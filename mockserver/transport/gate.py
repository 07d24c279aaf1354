"""Checks a request passes before a scenario is chosen: API key, body size, known model, and
the CORS preflight answer. Each failure is an `ApiError` in the route's own shape. A format
whose provider authenticates differently, or knows its own model ids, says so in its
`Renderer` (`gate`, `model_info`, `unknown_model`: core/formats/base.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.requests import Request

from mockserver.core import cors
from mockserver.core.formats import FORMATS
from mockserver.core.models import ModelCatalog, ModelInfo
from mockserver.core.plan import Close, Start, WirePlan
from mockserver.errors import ApiError
from mockserver.faults import Fault
from mockserver.transport.lane_store import LaneStore
from mockserver.transport.routing import Route
from mockserver.transport.state import ServerState

__all__ = ["check_auth", "read_body", "unknown_model", "known_model", "preflight_plan"]


def check_auth(api_key: str | None, headers: Mapping[str, str], api: str,
               query: Mapping[str, str] | None = None) -> None:
    """401 unless the request carries `api_key` (Bearer, or `x-api-key` on /v1/messages); a
    format with its own `gate` (provider auth, required query parameters) decides instead."""
    own = FORMATS[api].renderer.gate if api in FORMATS else None
    if own is not None:
        own(api_key, headers, query or {})
        return
    if api_key is None:
        return
    given = None
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    if api == "messages" and headers.get("x-api-key"):
        given = headers["x-api-key"]
    if given == api_key:
        return
    if api == "messages":
        message = "invalid x-api-key" if given else "x-api-key header is required"
        raise ApiError(401, message, type="authentication_error")
    shown = f"{given[:3]}***{given[-4:]}" if given and len(given) > 8 else (given or "")
    message = (
        f"Incorrect API key provided: {shown}. You can find your API key at "
        "https://platform.openai.com/account/api-keys."
        if given
        else "You didn't provide an API key. You need to provide your API key in an "
        "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
    )
    raise ApiError(401, message, type="invalid_request_error", code="invalid_api_key")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or 413 as soon as it is known to exceed `limit` bytes."""
    too_big = ApiError(413, f"Request body too large: the limit is {limit} bytes.",
                       type="invalid_request_error", code="request_too_large")
    declared = request.headers.get("content-length")
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


def known_model(models: ModelCatalog, api: str, model: str) -> ModelInfo:
    """The request's model: a known one (SPEC 2.1, `--models`) or one of the format's own
    provider ids; else the provider's not-found error."""
    info = models.get(model)
    own = FORMATS[api].renderer.model_info if info is None and api in FORMATS else None
    if own is not None:
        info = own(model)
    if info is None:
        raise unknown_model(api, model)
    return info


def unknown_model(api: str, model: str) -> ApiError:
    """The real APIs differ: 404 on chat/embeddings, 400 on Responses, Anthropic's own 404;
    a provider format gives its own (`Renderer.unknown_model`)."""
    own = FORMATS[api].renderer.unknown_model if api in FORMATS else None
    if own is not None:
        return own(model)
    if api == "messages":
        return ApiError(404, f"model: {model}", type="not_found_error")
    if api == "responses":
        return ApiError(400, f"The requested model '{model}' does not exist.",
                        param="model", code="model_not_found")
    return ApiError(404, f"The model `{model}` does not exist or you do not have access to it.",
                    code="model_not_found")


async def preflight_plan(
    state: ServerState, lanes: LaneStore, request: Request, route: Route
) -> WirePlan:
    """CORS preflight: 204 with permissive headers, unless the scenario chosen by URL (or the
    lane's next queued one, peeked without using it) carries a fault that breaks it. A browser
    sends no custom header values on a preflight, so X-Mock-Fault cannot reach it."""
    faults: Sequence[Fault] = ()
    name = route.scenario or state.config.scenario
    if name and name in state.library:
        faults = state.library[name].faults
    else:
        taken = await lanes.take(route.lane, route.path, None, peek=True)
        if taken is not None:
            faults = taken[0].faults
    faults = tuple(faults) + tuple(state.config.faults)
    policy = cors.DEFAULT_POLICY
    for fault in faults:
        policy = fault.on_cors(policy, None)
    headers = cors.headers_for(
        request.headers.get("origin"), policy, preflight=True,
        request_headers=request.headers.get("access-control-request-headers"),
    )
    start = Start(policy.preflight_status, tuple([*headers, ("content-length", "0")]))
    return WirePlan(ops=(start, Close("clean")), scenario=name,
                    faults=tuple(f.spec() for f in faults))
