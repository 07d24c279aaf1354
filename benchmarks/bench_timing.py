"""(4) Timing fidelity: does a scripted pause arrive when the script says, and do split writes
arrive as separate reads?

- Pacing: 50 chunks with a scripted 20 ms gap (`timing: {chunk_ms: 20}`), read by a blocking raw
  socket that timestamps each event (wire.py). Reported: |error| p99 against the schedule and
  the drift over the stream, each the median over rounds (a shared machine's occasional stall
  lands in one round, not in the figure). Targets: p99 < 1 ms, drift < 1 ms. Baseline: bare
  Starlette with chained `asyncio.sleep(0.02)` between yields (the naive way, which drifts).
- Split: `X-Mock-Fault: split(mode=bytes, size=64, gap_ms=1)` on a 20-chunk stream; the share of
  writes (HTTP chunk frames) that reach the reader alone in their own `recv`. Target >= 99%.
  Baseline: bare Starlette yielding 64-byte pieces with `asyncio.sleep(0.001)`.
Each stack in turn, ours and bare Starlette on the same one.
"""

from __future__ import annotations

import statistics

from admin import enqueue
from common import median_ratio, pct, rounds, spawn_bare, spawn_ours
from report import Row
from sample import chat_request
from wire import frames_per_read, pacing_errors, reads_of, timed_events

__all__ = ["run"]

GAP_MS, N_PACED, SPLIT, N_SPLIT = 20.0, 50, 64, 20
FAULT = f"split(mode=bytes, size={SPLIT}, gap_ms=1)"


def _pacing(port: int, path: str) -> tuple[list[float], float]:
    tr = reads_of(port, chat_request("127.0.0.1", port, path))
    return pacing_errors(timed_events(tr), GAP_MS)


def _split(port: int, path: str, headers: str = "") -> float:
    """Share of writes read alone; nan when the answer is not a chunked 200 (fault missing)."""
    tr = reads_of(port, chat_request("127.0.0.1", port, path, headers))
    if not bytes(tr.data[:12]).endswith(b"200"):
        return float("nan")
    alone, total = frames_per_read(tr)
    return alone / total if total else float("nan")


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    rows: list[Row] = []
    for stack in ctx.stacks:
        rows += run_stack(ctx, stack)
    return rows


def run_stack(ctx, stack: str) -> list[Row]:  # type: ignore[no-untyped-def]
    n_rounds = 2 if ctx.quick else max(5, ctx.rounds)
    bare = spawn_bare("starlette", stack=stack)
    ours = spawn_ours(stack=stack) if ctx.ours else None
    try:
        errs: dict[str, list[float]] = {"ours": [], "bare": []}
        drifts: dict[str, list[float]] = {"ours": [], "bare": []}

        def pace(name: str, port: int, path: str) -> float:
            e, d = _pacing(port, path)
            errs[name] += [abs(x) for x in e]
            drifts[name].append(abs(d))
            return pct([abs(x) for x in e], 99)

        contenders = {"bare": lambda: pace("bare", bare.port,
                                           f"/v1/chat/completions?n={N_PACED}&gap_ms={GAP_MS}")}
        split_c = {"bare": lambda: _split(bare.port,
                                          f"/v1/chat/completions?n={N_SPLIT}&split={SPLIT}&gap_ms=1")}
        if ours:
            enqueue(ours.port, {"response": {"chunks": ["tok"] * N_PACED},
                                "timing": {"chunk_ms": GAP_MS}, "times": "always"}, lane="paced")
            enqueue(ours.port, {"response": {"chunks": ["tok"] * N_SPLIT}, "times": "always"},
                    lane="split")
            contenders["ours"] = lambda: pace("ours", ours.port, "/lane/paced/v1/chat/completions")
            split_c["ours"] = lambda: _split(ours.port, "/lane/split/v1/chat/completions",
                                             f"x-mock-fault: {FAULT}\r\n")
        p99 = rounds(n_rounds, contenders)
        shares = rounds(n_rounds, split_c)
    finally:
        bare.stop()
        if ours:
            ours.stop()

    def val(d: dict[str, list[float]], k: str) -> float | None:
        return statistics.median(d[k]) if d.get(k) else None

    o_p99 = val(p99, "ours")
    o_drift, o_share = val(drifts, "ours"), (min(shares["ours"]) if "ours" in shares else None)
    note = "" if ours else "mockserver not available yet: baseline only"
    split_note = "worst round reported"
    if o_share is not None and o_share != o_share:  # nan: the server refused the fault spec
        o_share, split_note = None, f"ours does not answer `{FAULT}` with a 200 stream yet"
    return [
        Row("timing", f"|error| p99, {N_PACED} x {GAP_MS:.0f} ms", "ms", o_p99,
            "bare Starlette, chained sleeps", val(p99, "bare"),
            median_ratio(p99["ours"], p99["bare"]) if ours else None, "< 1 ms",
            None if o_p99 is None else o_p99 < 1.0, "lower", note,
            extra={"rounds_ours": p99.get("ours"), "rounds_bare": p99["bare"],
                   "pooled_p99_ours": pct(errs["ours"], 99) if ours else None}, stack=stack),
        Row("timing", "drift over the stream", "ms", o_drift, "bare Starlette, chained sleeps",
            val(drifts, "bare"), None, "< 1 ms", None if o_drift is None else o_drift < 1.0,
            "lower", extra={"rounds_ours": drifts["ours"], "rounds_bare": drifts["bare"]},
            stack=stack),
        Row("timing", f"split writes read alone ({SPLIT} B, 1 ms)", "%",
            None if o_share is None else 100 * o_share, "bare Starlette, sleep(0.001)",
            100 * min(shares["bare"]), None, ">= 99%",
            None if o_share is None else o_share >= 0.99, "higher",
            split_note if ours else "",
            extra={"rounds_ours": shares.get("ours"), "rounds_bare": shares["bare"]},
            stack=stack),
    ]
