"""The Fault base class: validated parameters and one hook per pipeline stage.

    Client <─ bytes ─ player <─ WirePlan <─ compile_plan ─────────────────────────┐
                                          on_draft    status, headers, body shape │
                                          on_payload  JSON objects of events      │ each fault
                                          on_events   serialized events           │ implements
                                          on_frames   encoded bytes per event     │ the hooks it
                                          on_wire     ops: writes, sleeps, close  │ needs
                                          on_cors     the CORS policy             ┘
    WebSocket: WsSession (core/ws/session.py) ─► on_ws  each batch of WS ops of a connection

A WebSocket connection is interactive, so it has no single plan: the session produces one
batch of ops per turn (the handshake, then the answer to each client message) and calls
`on_ws(ops, ctx)` on every batch. `ctx` is a `WsContext` (protocol, turn, messages sent
before this batch); each `Send` op carries its connection-wide message number, so `at=N` and
`after=N` count server messages over the whole connection.

A fault is a frozen dataclass: its fields are its parameters, typed with int, float, bool, str
or a `Literal[...]` of allowed values, with `field(metadata={"min": 1})` for bounds. Creating
one with a bad value raises `FaultSpecError` naming the fault, the parameter and what is
allowed. The first line of the docstring is the client-visible symptom (catalogue, README).
Randomness comes only from `ctx.rng`, which is derived from the scenario seed.

Pieces. A scripted answer is compiled in one go: each hook is called once, with the whole
list. A live stream (the upstream proxy, core/live.py) arrives over time, so there each hook is
called once per piece of the stream, in order, with the same `ctx`:

    ctx.offset  how many events (counted frames at on_frames) this hook was given before this
                piece: `at=N` is absolute (`event_index(items, at, ctx)` does the arithmetic);
                wire ops carry absolute counts in `Write.events`
    ctx.final   this piece ends the stream (always true for a script); on_wire sees the end as
                the Close op
    ctx.state   the fault's own dict, kept from one piece to the next: whatever a hook must
                remember across pieces (a count, a held-back frame) lives here, not in locals
    ctx.ended   set by a fault whose answer ends before the stream does (error_event); on
                the wire the Close op says the same

The contract: the outputs for consecutive pieces, joined, are the output for the whole list
(tests/core/test_live_pieces.py checks every fault). A hook that cannot decide yet holds items
back in `ctx.state` and releases them with a later piece (at the latest the final one). A fault
that needs the whole answer at once says so with `needs_whole_stream()`; the live path then
buffers the upstream answer and compiles it like a script.

Faults read only the core's data (events, plan ops, drafts, the request view, WebSocket ops)
and the formats (to answer in the route's own shape); a test (tests/test_layers.py) keeps it so.
"""

from __future__ import annotations

import dataclasses
import math
import random
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from mockserver.core.draft import Draft
from mockserver.core.events import Event, Frame
from mockserver.core.plan import Op
from mockserver.core.request import RequestView
from mockserver.errors import FaultSpecError

if TYPE_CHECKING:  # only the WebSocket faults need them at run time: kept off the start-up path
    from mockserver.core.ws.ops import WsContext, WsOp

__all__ = [
    "Fault", "FaultContext", "param_info", "field_hints", "LAYER_FRAMINGS", "STREAM_FRAMINGS",
    "HTTP_FRAMINGS",
]

#: the framings of a streamed HTTP answer, and every framing an HTTP answer can have
STREAM_FRAMINGS = frozenset({"sse", "ndjson", "aws_eventstream"})
HTTP_FRAMINGS = STREAM_FRAMINGS | {"json"}
#: the framings a fault of each layer changes something on, unless the fault says otherwise
#: (`Fault.framings`): event-level faults know one framing's syntax, transport-level ones
#: act on any bytes
LAYER_FRAMINGS: dict[str, frozenset[str]] = {
    "sse": frozenset({"sse"}),
    "payload": frozenset({"sse"}),
    "http": HTTP_FRAMINGS,
    "tcp": HTTP_FRAMINGS,
    "cors": HTTP_FRAMINGS,
    "ws": frozenset({"ws"}),
    "eventstream": frozenset({"aws_eventstream"}),
}


@dataclass
class FaultContext:
    """What a fault may look at: the request, the response format and its own random stream."""

    request: RequestView
    fmt: str
    seed: int
    rng: random.Random  # the fault's own stream, derived from the seed (`rng_for`)
    streaming: bool = True
    #: events given to the current hook before this piece (0 for a script; see the module doc)
    offset: int = 0
    #: this piece ends the stream (a script is one final piece)
    final: bool = True
    #: the fault's memory from one piece of a live stream to the next
    state: dict[str, Any] = field(default_factory=dict)
    #: set by a fault whose output ends the answer before the stream does (error_event): a
    #: live stream stops reading its upstream and finishes
    ended: bool = False


def _bounds(f: dataclasses.Field[Any]) -> tuple[Any, Any]:
    return f.metadata.get("min"), f.metadata.get("max")


def param_info(cls: type[Fault]) -> list[dict[str, Any]]:
    """Describe each parameter: name, type, default, allowed values, bounds (for the catalogue)."""
    hints = field_hints(cls)
    out = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        hint = hints[f.name]
        info: dict[str, Any] = {"name": f.name}
        if typing.get_origin(hint) is Literal:
            info["type"] = "choice"
            info["choices"] = list(typing.get_args(hint))
        else:
            info["type"] = getattr(hint, "__name__", str(hint))
        if f.default is not dataclasses.MISSING:
            info["default"] = f.default
        else:
            info["required"] = True
        low, high = _bounds(f)
        if low is not None:
            info["min"] = low
        if high is not None:
            info["max"] = high
        out.append(info)
    return out


def _coerce(fault: str, name: str, hint: Any, value: Any) -> Any:
    """Convert a spec-string value to the parameter's type, or raise a clear error."""
    args = typing.get_args(hint)
    if type(None) in args and typing.get_origin(hint) is not Literal:
        if value is None or (isinstance(value, str) and value.lower() in ("none", "null")):
            return None
        hint = next(a for a in args if a is not type(None))
    if typing.get_origin(hint) is Literal:
        allowed = typing.get_args(hint)
        if isinstance(value, str) and value not in allowed:
            lowered = value.lower()
            if lowered in allowed:
                return lowered
        if value not in allowed:
            raise FaultSpecError(
                f"{fault}: parameter '{name}' must be one of {', '.join(map(str, allowed))}; "
                f"got {value!r}"
            )
        return value
    try:
        if hint is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
                return value.lower() in ("true", "1", "yes")
            raise ValueError
        if hint is int:
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        if hint is float:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
            if not math.isfinite(number):  # nan would slip past every bound; inf never ends
                raise ValueError
            return number
        if hint is str:
            return str(value)
    except (TypeError, ValueError):
        word = {bool: "true or false", int: "an integer", float: "a number"}.get(hint, "a value")
        raise FaultSpecError(
            f"{fault}: parameter '{name}' must be {word}; got {value!r}"
        ) from None
    return value


_HINTS: dict[type[Any], dict[str, Any]] = {}


def field_hints(cls: type[Fault]) -> dict[str, Any]:
    """The resolved type of each parameter of a fault class, computed once per class."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


class Fault:
    """Base of every fault. Subclasses are frozen dataclasses registered by module discovery."""

    name: ClassVar[str] = ""
    layer: ClassVar[str] = ""
    #: order within the wire stage: restructure writes (10), add time (20), cut the stream (30)
    wire_order: ClassVar[int] = 20
    #: a spec string that creates this fault with typical parameters (catalogue, scenario
    #: library, determinism tests); empty means the bare `name` works (all params defaulted)
    example: ClassVar[str] = ""
    #: the framings (sse, ndjson, aws_eventstream, json, ws) this fault changes something
    #: on; empty means its layer's (`LAYER_FRAMINGS`). The catalogue shows them and chaos
    #: draws only faults that apply to the route's framing.
    framings: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def applies_to(cls) -> frozenset[str]:
        """The framings this fault acts on (its own `framings`, else its layer's)."""
        return cls.framings or LAYER_FRAMINGS.get(cls.layer, frozenset())

    def __post_init__(self) -> None:
        hints = field_hints(type(self))
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            coerced = _coerce(self.name, f.name, hints[f.name], value)
            low, high = _bounds(f)
            if low is not None and coerced < low:
                raise FaultSpecError(
                    f"{self.name}: parameter '{f.name}' must be >= {low}; got {coerced!r}"
                )
            if high is not None and coerced > high:
                raise FaultSpecError(
                    f"{self.name}: parameter '{f.name}' must be <= {high}; got {coerced!r}"
                )
            object.__setattr__(self, f.name, coerced)
        self.validate()

    def validate(self) -> None:
        """Cross-parameter checks; raise `FaultSpecError` with a clear message."""

    def needs_whole_stream(self) -> bool:
        """True when this fault can only act on the whole answer at once (it moves or rebuilds
        events from all over the stream): a live stream is then buffered until it ends."""
        return False

    @classmethod
    def symptom(cls) -> str:
        doc = (cls.__doc__ or "").strip()
        return " ".join(doc.split("\n\n")[0].split())

    def spec(self) -> str:
        """The canonical spec string of this fault (round-trips through `parse_faults`)."""
        params = []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value != f.default:
                text = str(value).lower() if isinstance(value, bool) else str(value)
                if not text or any(ch in text for ch in ",;()=\"' "):
                    quote = "'" if '"' in text else '"'
                    text = f"{quote}{text}{quote}"  # so the spec round-trips
                params.append(f"{f.name}={text}")
        return f"{self.name}({', '.join(params)})" if params else self.name

    # Hooks: each returns its input unchanged unless the fault acts at that stage.
    def on_draft(self, draft: Draft, ctx: FaultContext) -> Draft:
        return draft

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        return events

    def on_events(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        return events

    def on_frames(self, frames: list[Frame], ctx: FaultContext) -> list[Frame]:
        return frames

    def on_wire(self, ops: list[Op], ctx: FaultContext) -> list[Op]:
        return ops

    def on_cors(self, policy: Any, ctx: FaultContext | None) -> Any:
        return policy

    def on_ws(self, ops: list[WsOp], ctx: WsContext) -> list[WsOp]:
        """One batch of a WebSocket connection's ops (Accept/Deny, Send, Pause, Close)."""
        return ops
