"""Chaos mode: a seeded share of requests gets one fault drawn from a pool.

The draw for request k of a lane depends only on (seed, lane, k), so a chaos run replays
exactly; the chosen fault is logged, journaled and sent back as the `x-mock-fault` header.
"""

from __future__ import annotations

from mockserver.core.ids import rng_for
from mockserver.core.request import RequestView
from mockserver.faults import Fault, parse_faults, registry

__all__ = ["draw", "STREAM_POOL", "PLAIN_POOL"]

#: faults that make sense on a streamed answer (names not yet registered are skipped)
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


def _available(pool: tuple[str, ...]) -> list[str]:
    names = registry()
    return [spec for spec in pool if spec.split("(", 1)[0] in names]


def draw(rate: float, seed: int, lane: str, index: int, view: RequestView) -> Fault | None:
    """One fault for this request, or None (with probability 1 - rate)."""
    rng = rng_for(seed, f"chaos:{lane}:{index}")
    if rng.random() >= rate:
        return None
    pool = _available(STREAM_POOL if view.stream else PLAIN_POOL)
    if not pool:
        return None
    return parse_faults(rng.choice(pool))[0]
