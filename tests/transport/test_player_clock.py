"""The player's pauses on both event loops: never shorter than the plan says.

uvloop's `loop.time()` and its timers move in whole milliseconds; a pause measured on that
clock ends up to a millisecond early in real time (the previous write's time is truncated, a
timer rounded down fires before its deadline). The player keeps its deadlines on
CLOCK_MONOTONIC at full resolution, so a spacing pause (`since="write"`, split's `gap_ms`)
lasts at least its length after the previous write on either loop. Measured here at the
player's `send`, where the write happens: a lower bound, so load can only make it pass by
more. (What the client reads over a socket is in tests/faults and benchmarks/bench_timing.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
import uvloop

from mockserver.core.plan import Close, Sleep, Start, WirePlan, Write
from mockserver.transport.http_player import play

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop,
}
GAP = 0.0035  # not a whole number of milliseconds: truncation shows


def _plan(writes: int, sleep: Sleep) -> WirePlan:
    ops: list[Any] = [Start(200, (("content-type", "text/event-stream"),))]
    for i in range(writes):
        if i:
            ops.append(sleep)
        ops.append(Write(b"data: %d\n\n" % i, i + 1))
    ops.append(Close("clean"))
    return WirePlan(ops=tuple(ops), streaming=True)


def _write_times(loop_name: str, plan: WirePlan) -> list[float]:
    times: list[float] = []

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(3600)  # the client never leaves
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            times.append(time.monotonic())

    async def run() -> str:
        played = await play(plan, {"type": "http"}, receive, send)
        return played.outcome

    loop = LOOPS[loop_name]()
    try:
        assert loop.run_until_complete(asyncio.wait_for(run(), 10)) == "completed"
    finally:
        loop.close()
    return times


@pytest.mark.parametrize("loop_name", list(LOOPS))
def test_spacing_pauses_last_at_least_their_length_after_the_previous_write(
    loop_name: str,
) -> None:
    times = _write_times(loop_name, _plan(25, Sleep(GAP, since="write")))
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 24
    assert min(gaps) >= GAP, [round(g * 1000, 3) for g in gaps]


@pytest.mark.parametrize("loop_name", list(LOOPS))
def test_pacing_deadlines_are_never_met_early(loop_name: str) -> None:
    """Pacing keeps a schedule from where the first pause begins: write i (i >= 1) leaves no
    earlier than i pauses after the first write (which precedes that start)."""
    times = _write_times(loop_name, _plan(25, Sleep(GAP)))
    early = [i for i, t in enumerate(times) if t - times[0] < i * GAP]
    assert not early, [round((t - times[0]) * 1000, 3) for t in times]
