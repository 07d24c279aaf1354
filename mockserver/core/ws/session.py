"""WsSession: one WebSocket connection as a sans-I/O state machine (bytes in, ops out).

    WsSession(setup, faults, script)
      .handshake()        -> [Accept | Deny, first messages...]      turn 0
      .receive(message)   -> [Send | Pause | Close ...]              turn k (client message k)
      .stream(message)    the same, lazily (no faults), plain text messages as `str`: played
      .closed             True once a batch ended with Close or Deny

    per batch:  protocol (chat | realtime | responses | a `ws:` script) makes the ops
                ─► each Send gets its connection-wide 1-based `index`
                ─► every fault's `on_ws(ops, ctx)`, by `wire_order` (reshape 10, time 20, cut 30)
                ─► ops after the first Close/Deny are dropped

The transport (transport/ws_player.py) only plays the batches. Same setup, faults and client
messages give the same ops, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from mockserver.core.formats import openai_error_body
from mockserver.core.ids import rng_for
from mockserver.core.ws.chat import ChatProtocol
from mockserver.core.ws.ops import Accept, Close, Deny, Send, WsContext, WsOp, describe_ops
from mockserver.core.ws.protocol import WsSetup, json_text
from mockserver.core.ws.realtime import RealtimeProtocol
from mockserver.core.ws.responses import ResponsesProtocol
from mockserver.core.ws.script import ScriptProtocol, parse_steps
from mockserver.errors import ScenarioError

__all__ = ["WsSession", "given_key", "is_beta", "KEY_SUBPROTOCOL", "WS_CHAOS_POOL"]

KEY_SUBPROTOCOL = "openai-insecure-api-key."
_PROTOCOLS: dict[str, Any] = {
    "chat": ChatProtocol, "realtime": RealtimeProtocol, "responses": ResponsesProtocol,
}
#: faults chaos mode may draw for a WebSocket connection
WS_CHAOS_POOL = (
    "ws_close(after=2, code=1006)",
    "ws_close(after=2, code=1011, reason=chaos)",
    "ws_malformed(at=2, kind=truncated_json)",
    "ws_malformed(at=2, kind=unknown_type)",
    "ws_fragmented(at=2)",
    "ws_stall(after=2, seconds=1)",
)
_LOG_LIMIT = 2000


def given_key(headers: Mapping[str, str], subprotocols: Sequence[str]) -> str | None:
    """The API key a client offered: `Authorization: Bearer` or the browser subprotocol."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    for proto in subprotocols:
        if proto.startswith(KEY_SUBPROTOCOL):
            return proto[len(KEY_SUBPROTOCOL):]
    return None


def is_beta(headers: Mapping[str, str], subprotocols: Sequence[str]) -> bool:
    return "realtime=v1" in headers.get("openai-beta", "") or any(
        p.startswith("openai-beta.realtime-v1") for p in subprotocols
    )


def _deny_json(status: int, message: str, *, type: str = "invalid_request_error",
               code: str | None = None, param: str | None = None) -> Deny:
    body = openai_error_body(status, message, type, code, param, "")
    return Deny(status, (("content-type", "application/json"),), json_text(body).encode())


class WsSession:
    """One connection: the chosen protocol (or script), its faults and its message count."""

    def __init__(self, setup: WsSetup, *, faults: Sequence[Any] = (),
                 script: Sequence[Any] | None = None, where: str = "<scenario>") -> None:
        self.setup = setup
        self.faults = sorted(faults, key=lambda f: f.wire_order)
        self.turn = 0
        self.sent = 0
        self.closed = False
        #: the connection's first ops, as played; `log` renders them when it is read
        self._logged: list[WsOp | tuple[int, str]] = []
        self._deny: Deny | None = None
        self.protocol: Any
        if script is not None:
            try:
                self.protocol = ScriptProtocol(parse_steps(script, where=where))
            except ScenarioError as exc:
                self._deny = _deny_json(500, f"invalid ws script: {exc}", type="server_error",
                                        code="invalid_scenario")
                self.protocol = ScriptProtocol(())
        else:
            self.protocol = _PROTOCOLS[setup.protocol](setup)

    @property
    def log(self) -> list[str]:
        """One readable line per op played, for the connection's first 2000 ops."""
        return describe_ops([Send(op[1], op[0]) if isinstance(op, tuple) else op
                             for op in self._logged])

    @property
    def failures(self) -> list[str]:
        return list(getattr(self.protocol, "failures", []))

    def _refusal(self) -> Deny | None:
        setup = self.setup
        if self._deny is not None:
            return self._deny
        wrong_key = setup.api_key is not None and setup.given_key != setup.api_key
        if setup.protocol != "chat" and wrong_key:
            key = setup.given_key
            shown = f"{key[:3]}***{key[-4:]}" if key and len(key) > 8 else (key or "")
            message = (f"Incorrect API key provided: {shown}. You can find your API key at "
                       "https://platform.openai.com/account/api-keys." if key else
                       "You didn't provide an API key. You need to provide your API key in an "
                       "Authorization header using Bearer auth (i.e. Authorization: Bearer "
                       "YOUR_KEY).")
            return _deny_json(401, message, code="invalid_api_key")
        unknown = setup.model is not None and setup.resolve_model(setup.model) is None
        if setup.protocol == "realtime" and unknown:
            return _deny_json(400, f"The requested model '{setup.model}' does not exist.",
                              code="model_not_found", param="model")
        return None

    def handshake(self) -> list[WsOp]:
        """Turn 0: accept (answering `realtime` when offered) or deny, then first messages."""
        refusal = self._refusal()
        if refusal is not None:
            return self._finish([refusal])
        sub = "realtime" if "realtime" in self.setup.subprotocols else None
        return self._finish([Accept(subprotocol=sub), *self.protocol.opening()])

    def receive(self, data: str | bytes) -> list[WsOp]:
        """The answer to one client message (empty once the session is closed)."""
        if self.closed:
            return []
        return self._finish(self.protocol.receive(data))

    def stream(self, data: str | bytes) -> Iterator[WsOp | str]:
        """`receive` for the player: the same messages, produced while they are played.

        With no faults the batch is never materialised: the protocol's messages are numbered,
        logged and counted one by one, and a plain single-frame text message stays a `str`
        (no `Send` per message). With faults, which see whole batches, it is `receive`.
        """
        if self.closed:
            return iter(())
        if self.faults:
            return iter(self.receive(data))
        self.turn += 1
        return self._flow(self.protocol.receive(data))

    def _flow(self, ops: Iterable[WsOp | str]) -> Iterator[WsOp | str]:
        logged = self._logged
        for op in ops:
            if isinstance(op, str):
                self.sent += 1
                if len(logged) < _LOG_LIMIT:
                    logged.append((self.sent, op))
                yield op
                continue
            if isinstance(op, Send) and op.index == 0:
                self.sent += 1
                op = Send(op.data, self.sent, op.fragments, op.ping)
            elif isinstance(op, Send):
                self.sent += 1
            if len(logged) < _LOG_LIMIT:
                logged.append(op)
            yield op
            if isinstance(op, (Close, Deny)):
                self.closed = True
                return

    def _finish(self, ops: Iterable[WsOp | str]) -> list[WsOp]:
        number = self.sent
        numbered: list[WsOp] = []
        for item in ops:
            if isinstance(item, str):
                number += 1
                item = Send(item, number)
            elif isinstance(item, Send) and item.index == 0:
                number += 1
                item = Send(item.data, number, item.fragments, item.ping)
            numbered.append(item)
        batch = numbered
        for i, fault in enumerate(self.faults):
            ctx = WsContext(
                protocol=self.protocol.name, turn=self.turn, seed=self.setup.seed,
                first_turn=self.protocol.first_turn, sent=self.sent,
                rng=rng_for(self.setup.seed, f"fault:{i}:{fault.name}:{self.turn}"),
            )
            batch = list(fault.on_ws(batch, ctx))
        out: list[WsOp] = []
        for op in batch:
            out.append(op)
            if isinstance(op, (Close, Deny)):
                self.closed = True
                break
        self.turn += 1
        self.sent += sum(1 for op in out if isinstance(op, Send))
        room = _LOG_LIMIT - len(self._logged)
        if room > 0:
            self._logged.extend(out[:room])
        return out
