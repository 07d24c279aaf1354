"""WebSocket connections: choose what a connection gets, then play the session's ops.

    handshake request ─► choose (X-Mock-Fault, X-Mock-Scenario or /scenario/<name>/v1,
                         the lane's queue, chaos, default) ─► WsSetup ─► WsSession (pure)
    turn 0: session.handshake() ─► WsPlayer: websocket.accept | denial response, first messages
    turn k: client message k ─► session.stream() ─► WsPlayer: send, pause, close, drop

The twin of app.py's HTTP path; the app imports it on the first upgrade, so a server that
never sees a WebSocket never imports `websockets` or the WebSocket sessions.

One connection is one journal entry (client messages as `body`, 64 KiB of them at most,
status 101 or the denial status, outcome) and takes one use of a queued scenario; each further
request answered on the connection from the scenario's `sequence` takes one more use, so
`assert_all_used` holds.

Hostile messages (SPEC 8) get the protocol's own error message and the socket stays open:
the protocols parse strict JSON (core/strict_json.py: too deep, NaN, lone surrogates).
Frames the WebSocket layer itself refuses close with a close frame: text that is not UTF-8
1007, a message past `ws_max_size` 1009 (websockets, under uvicorn). A bug in the server
closes with 1011 and a reason; only a `ws_*` fault drops the TCP connection without a close.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from mockserver.core.scenario import Response, Scenario
from mockserver.core.strict_json import loads
from mockserver.core.ws.ops import Deny
from mockserver.core.ws.protocol import WsSetup
from mockserver.core.ws.session import WS_CHAOS_POOL, WsSession, given_key, is_beta
from mockserver.errors import ApiError
from mockserver.faults import Fault
from mockserver.transport import chaos
from mockserver.transport._internals import drop
from mockserver.transport.choose import Choice, choose
from mockserver.transport.faillog import log_failure
from mockserver.transport.journal import JournalEntry
from mockserver.transport.journal_bounds import keep_ws_message
from mockserver.transport.routing import Route
from mockserver.transport.ws_player import WsPlayer

__all__ = ["serve_ws"]


@dataclass
class _Choice:
    """The shared `Choice` plus what a connection tracks while it answers a sequence."""

    base: Choice = field(default_factory=Choice)
    model: str | None = None
    accounted: int = 1

    @property
    def scenario(self) -> Scenario | None:
        return self.base.scenario

    @property
    def name(self) -> str | None:
        return self.base.name

    @property
    def use(self) -> int:
        return self.base.use

    @property
    def queued(self) -> bool:
        return self.base.queued

    @property
    def faults(self) -> list[Fault]:
        return self.base.faults


async def _choose(
    app: Any, route: Route, headers: dict[str, str], model: str | None, index: int
) -> _Choice:
    config = app.state.config
    base = await choose(
        app.state, app.lanes, route, headers, model=model, index=index,
        draw_chaos=lambda: chaos.draw(config.chaos, config.seed, route.lane, index, WS_CHAOS_POOL),
    )
    return _Choice(base=base, model=model)


def _setup(app: Any, protocol: str, choice: _Choice, route: Route, headers: dict[str, str],
           subprotocols: tuple[str, ...], model: str | None, index: int) -> tuple[WsSetup, Any]:
    config = app.state.config
    seed = choice.base.seed
    responses: tuple[Response, ...] = (Response(),)
    timing = config.timing
    script = None
    if choice.scenario is not None:
        scenario = choice.scenario
        responses = scenario.responses[min(choice.use, len(scenario.responses) - 1):]
        timing = scenario.timing or timing
        script = responses[0].ws
    setup = WsSetup(
        protocol=protocol, responses=responses, seed=seed, timing=timing, model=model,
        models=app.state.models, api_key=config.api_key,
        given_key=given_key(headers, subprotocols), subprotocols=subprotocols,
        beta=is_beta(headers, subprotocols),
    )
    return setup, script


def _client_message(data: str | bytes) -> Any:
    """A client message as journaled: its strict JSON, else its text (bytes escaped)."""
    try:
        return loads(data)
    except ValueError:
        return data if isinstance(data, str) else data.decode("utf-8", "backslashreplace")


async def _pump(receive: Any, inbox: asyncio.Queue[Any]) -> None:
    while True:
        message = await receive()
        await inbox.put(message)
        if message["type"] == "websocket.disconnect":
            return


async def serve_ws(app: Any, scope: dict[str, Any], receive: Any, send: Any, route: Route,
                   protocol: str) -> None:
    """Serve one WebSocket connection on `route.path` with `protocol` (routing.WS_ROUTES)."""
    state = app.state
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    subprotocols = tuple(scope.get("subprotocols") or ())
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    model = query.get("model", [None])[0] if protocol == "realtime" else None
    entry = JournalEntry(index=-1, method="GET", path=scope["path"], lane=route.lane,
                         headers=headers, body=[], protocol="ws")
    inbox: asyncio.Queue[Any] = asyncio.Queue(maxsize=64)
    pump = asyncio.ensure_future(_pump(receive, inbox))
    player = WsPlayer(scope, send)
    session: WsSession | None = None
    choice = _Choice()
    try:
        await inbox.get()  # websocket.connect
        try:
            index, entry.index = await app.lanes.next_request(route.lane)
            await app.lanes.opened(entry)
            choice = await _choose(app, route, headers, model, index)
            setup, script = _setup(app, protocol, choice, route, headers, subprotocols, model,
                                   index)
            session = WsSession(setup, faults=choice.faults, script=script,
                                where=choice.name or "<scenario>")
            ops = session.handshake()
        except ApiError as exc:
            body = json.dumps(exc.body(), separators=(",", ":")).encode()
            ops = [Deny(exc.status, (("content-type", "application/json"),), body)]
        entry.scenario, entry.faults = choice.name, tuple(f.spec() for f in choice.faults)
        player.faults = "; ".join(entry.faults)
        entry.status = next((op.status for op in ops if isinstance(op, Deny)), 101)
        state.feed.publish("start", entry)
        await player.play(ops)
        while session is not None and not session.closed:
            message = await inbox.get()
            if message["type"] == "websocket.disconnect":
                code = message.get("code", 1005)
                normal = code in (1000, 1001, 1005)
                player.outcome = "completed" if normal else "client_disconnected"
                break
            data = message.get("text")
            data = message.get("bytes", b"") if data is None else data
            size = len(data) if isinstance(data, bytes) or data.isascii() else len(data.encode())
            keep_ws_message(entry, _client_message(data), size, data)
            answer = session.stream(data)
            await _account_uses(app, route, choice, session)
            await player.play(answer)
    except OSError:  # uvicorn's ClientDisconnected, or the transport went away mid-send
        player.outcome = "client_disconnected"
    except Exception as exc:  # noqa: BLE001 - a bug ends this connection, never the server
        state.errors.append(exc)
        log_failure(f"internal error on WebSocket {route.path}", exc)
        player.outcome = "closed"
        entry.error = f"mockserver internal error: {exc!r}"[:1000]
        await _close_after_bug(send, scope)
    finally:
        pump.cancel()
        if session is not None:
            entry.error = entry.error or ("; ".join(session.failures) or None)
        entry.status, entry.outcome, entry.bytes_sent = player.status, player.outcome, player.sent
        if entry.index >= 0:
            await app.lanes.closed(entry)  # in process: settled against the journal's caps
        state.feed.publish("end", entry)
        app.log_line(entry)


async def _close_after_bug(send: Any, scope: dict[str, Any]) -> None:
    """Close 1011 with a reason (a close frame, as RFC 6455 asks of a server that fails);
    drop the connection only when even that cannot be sent."""
    try:
        await send({"type": "websocket.close", "code": 1011, "reason": "mockserver internal error"})
    except Exception:  # noqa: BLE001 - the socket is gone or the handshake never completed
        await drop(scope)


async def _account_uses(app: Any, route: Route, choice: _Choice, session: WsSession) -> None:
    """Each further `sequence` response used on the connection takes one more use of the
    queued scenario, as soon as the request that uses it arrives."""
    scenario = choice.scenario
    if scenario is None or not choice.queued:
        return
    requests = int(getattr(session.protocol, "requests", 0))
    wanted = min(requests, len(scenario.responses) - choice.use)
    while choice.accounted < wanted:
        peeked = await app.lanes.take(route.lane, route.path, choice.model, peek=True)
        if peeked is None or peeked[0] is not scenario:
            return
        await app.lanes.take(route.lane, route.path, choice.model)
        choice.accounted += 1
