"""What a request (HTTP or WebSocket handshake) gets, in the order of SPEC 2.3.

    X-Mock-Fault header  ─► faults added to whatever the request gets (needs the admin token
                            when one is set, like X-Mock-Scenario)
    X-Mock-Scenario / /scenario/<name>/v1 / --scenario ─► a named library scenario
    the lane's queue     ─► the first queued scenario matching path and model
    a recording          ─► the first `serve --record` scenario whose match fits (replay)
    chaos (--chaos RATE) ─► a seeded draw adds one fault (not when faults were asked for)
    faithful default (or, with --upstream, the upstream: the caller forwards when no
                      scenario was chosen)
    --fault              ─► added to every request

One function serves both transports so HTTP and WebSocket choose alike; queues and use
counters come from the lane store (in this process, or shared through Redis).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.scenario import Response, Scenario
from mockserver.errors import ApiError, ConfigError
from mockserver.faults import Fault, parse_faults
from mockserver.transport.lane_store import LaneStore
from mockserver.transport.routing import Route
from mockserver.transport.security import token_ok
from mockserver.transport.state import ServerState

__all__ = ["Choice", "choose", "seed_for"]


def seed_for(base: int, lane: str, index: int) -> int:
    """The seed of the `index`-th request of a lane when no scenario names one."""
    digest = hashlib.sha256(f"{base}:{lane}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass
class Choice:
    scenario: Scenario | None = None
    name: str | None = None
    use: int = 0  # which use of the scenario this request is (0-based)
    queued: bool = False  # taken from the lane's queue (vs the library)
    seed: int = 0
    faults: list[Fault] = field(default_factory=list)

    @property
    def response(self) -> Response:
        return self.scenario.response_for(self.use) if self.scenario else Response()


def _header_faults(headers: Mapping[str, str]) -> list[Fault]:
    spec = headers.get("x-mock-fault")
    if not spec:
        return []
    try:
        return list(parse_faults(spec))
    except ConfigError as exc:
        raise ApiError(400, f"Invalid X-Mock-Fault header: {exc}", param="x-mock-fault",
                       code="invalid_fault_spec") from None


async def choose(
    state: ServerState,
    lanes: LaneStore,
    route: Route,
    headers: Mapping[str, str],
    *,
    model: str | None,
    index: int,
    draw_chaos: Callable[[], Fault | None],
    body: Mapping[str, Any] | None = None,
) -> Choice:
    """Pick scenario, use, seed and faults for the `index`-th request of `route.lane`; the
    library and config come from `state`, queues and use counters from `lanes`."""
    config = state.config
    asked = headers.get("x-mock-scenario")
    if (headers.get("x-mock-fault") or asked) and not token_ok(headers, config.admin_token):
        raise ApiError(401, "X-Mock-* headers need the admin token (Authorization: Bearer "
                       "<admin token> or X-Mock-Token: <admin token>).",
                       param="x-mock-fault" if headers.get("x-mock-fault") else "x-mock-scenario",
                       code="invalid_admin_token")
    requested = _header_faults(headers)
    choice = Choice(seed=seed_for(config.seed, route.lane, index))
    name = asked or route.scenario or config.scenario
    if name:
        scenario = state.library.get(name)
        if scenario is None:
            known = ", ".join(sorted(state.library)) or "none"
            raise ApiError(404, f"Unknown scenario {name!r}; known scenarios: {known}",
                           param="x-mock-scenario", code="unknown_scenario")
        choice.scenario, choice.name = scenario, name
        if len(scenario.responses) > 1 or scenario.seed is not None:
            # which use this is only matters to a sequence or a seeded scenario; not counting
            # the others spares a shared store (Redis) one call per request
            choice.use = await lanes.library_use(route.lane, name)
    else:
        taken = await lanes.take(route.lane, route.path, model, body=body)
        if taken is not None:
            choice.scenario, choice.use = taken
            choice.name, choice.queued = taken[0].name or "queued", True
        elif body is not None:
            replay = state.library.recording_for(route.path, model, body)
            if replay is not None and replay.name:
                choice.scenario, choice.name = replay, replay.name
                if len(replay.responses) > 1 or replay.seed is not None:
                    choice.use = await lanes.library_use(route.lane, replay.name)
    if choice.scenario is not None:
        choice.faults = list(choice.scenario.faults) + requested
        if choice.scenario.seed is not None:
            choice.seed = choice.scenario.seed + choice.use
    else:
        choice.faults = requested
        if config.chaos > 0 and not requested:  # explicit faults beat a random draw
            drawn = draw_chaos()
            if drawn is not None:
                choice.faults.append(drawn)
                choice.name = "chaos"
    choice.faults.extend(config.faults)
    return choice
