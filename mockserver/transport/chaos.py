"""Chaos mode: a seeded share of requests gets one fault drawn from a pool.

The draw for request k of a lane depends only on (seed, lane, k), so a chaos run replays
exactly; the chosen fault is logged, journaled and sent back as the `x-mock-fault` header.
"""

from __future__ import annotations

from collections.abc import Sequence

from mockserver.core.formats import FORMATS
from mockserver.core.ids import rng_for
from mockserver.core.request import RequestView
from mockserver.faults import Fault, parse_faults, registry

__all__ = ["draw", "pool_for", "STREAM_POOL", "PLAIN_POOL"]

#: faults that make sense on a streamed answer
STREAM_POOL = (
    "close(after=2, mode=abrupt)",
    "close(after=3, mode=reset)",
    "close(after=2, mode=clean)",
    "missing_done",
    "malformed_json(at=3)",
    "error_event(at=3)",
    "bom",
    "line_endings(style=cr)",
    "split(mode=every_byte)",
    "keepalive(every_ms=5)",
    "stall(after=2, seconds=1)",
    "status(code=500)",
    "status(code=429, retry_after=1)",
    "status(code=502, body=html)",
    # AWS event stream (Bedrock) only: the pool is filtered by the route's framing
    "bad_crc(at=3)",
    "truncated_frame(at=3)",
    "exception_event(at=3, type=throttlingException)",
)
#: faults for non-streamed answers
PLAIN_POOL = (
    "status(code=500)",
    "status(code=503)",
    "status(code=429, retry_after=1)",
    "status(code=502, body=html)",
    "close(after=0, mode=reset)",
    "empty_reply",
    "slow_headers(ms=500)",
)


#: faults that act only on the chat/completions framing (no `[DONE]` elsewhere)
_CHAT_ONLY = frozenset({"missing_done"})


def _name(spec: str) -> str:
    return spec.split("(", 1)[0]


def pool_for(view: RequestView) -> tuple[str, ...]:
    """The specs chaos may draw for this request: stream or plain, and only faults that
    change something on the route's format (its `fault_layers`, and for a stream its
    framing: `Fault.applies_to`; `[DONE]` only on chat and completions)."""
    pool: tuple[str, ...] = STREAM_POOL if view.stream else PLAIN_POOL
    if view.stream and view.api not in ("chat", "completions"):
        pool = tuple(spec for spec in pool if _name(spec) not in _CHAT_ONLY)
    fmt = FORMATS.get(view.api)
    if fmt is None:
        return pool
    layers, faults = fmt.fault_layers, registry()
    framing = fmt.framing.name if view.stream else "json"
    return tuple(
        spec for spec in pool
        if faults[_name(spec)].layer in layers and framing in faults[_name(spec)].applies_to()
    )


def draw(rate: float, seed: int, lane: str, index: int, pool: Sequence[str]) -> Fault | None:
    """One fault from `pool` for the `index`-th request of `lane`, or None (probability
    1 - rate). The draw depends only on (seed, lane, index)."""
    rng = rng_for(seed, f"chaos:{lane}:{index}")
    if rng.random() >= rate or not pool:
        return None
    return parse_faults(rng.choice(tuple(pool)))[0]
