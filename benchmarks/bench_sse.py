"""(1) SSE events/s through mockserver's full pipeline vs bare Starlette and raw asyncio.

Workloads (full run; `--quick` shrinks them): one stream of 200k chat chunks, 100 concurrent
streams of 1k chunks, 1000 concurrent streams of 1k chunks. Ours gets each as a scripted
scenario (`chunks: {repeat: "tok", times: n}`, loaded with `--scenarios`, chosen by URL), so
the request goes through scenario -> plan -> player with no fault. The baselines replay the
very bytes mockserver sent for a short stream (sample.py), one event per write. The load
client (loadclient.py) runs in its own process; its CPU share is reported so it can be seen
not to be the bottleneck. Ours is restarted before each workload (its journal keeps every
plan; see README). Bounds: one load run stops after 30 s and reports the rate so far (noted
in the row), no new round starts after 45 s of a workload, and one 1k-chunk request per
server warms up. Target: ours >= 1.0x bare Starlette; the ratio to raw asyncio is reported as
context. Every workload runs on each stack (`ctx.stacks`): ours and bare Starlette both on
httptools + uvloop, then both on h11 + asyncio, with raw asyncio on the stack's loop.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from common import (
    BENCH_DIR,
    PY,
    Proc,
    long_scenarios,
    median_ratio,
    rounds,
    spawn_bare,
    spawn_ours,
)
from report import Row
from sample import capture, load_sample

__all__ = ["run", "load"]

BUDGET_S = 45.0  # per workload: no new round starts after this (full run stays < 10 min)
DEADLINE_S = 30.0  # per load run: past it, the rate so far is reported (a too slow server)


def load(port: int, path: str, streams: int, expect: int, timeout: float = 240,
         deadline: float = 0.0) -> dict:
    """Run the load client in its own process; return its JSON (events/s, CPU share, errors).

    With `deadline`, the client stops after that many seconds and reports the rate so far
    (`partial: true`)."""
    out = subprocess.run(
        [PY, str(BENCH_DIR / "loadclient.py"), "sse", "--port", str(port), "--path", path,
         "--streams", str(streams), "--expect", str(expect), "--timeout", str(timeout),
         "--deadline", str(deadline)],
        capture_output=True, text=True, timeout=timeout + 30)
    if out.returncode:
        raise RuntimeError(f"load client failed: {out.stderr[-600:]}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    if res["errors"]:
        raise RuntimeError(f"{res['errors']} of {streams} streams incomplete on port {port}")
    return res


def workloads(quick: bool, smoke: bool = False) -> list[tuple[str, int, int]]:
    if smoke:
        return [("1 x 2k", 1, 2000), ("100 x 20", 100, 20)]
    if quick:
        return [("1 x 10k", 1, 10_000), ("100 x 200", 100, 200), ("1000 x 20", 1000, 20)]
    return [("1 x 200k", 1, 200_000), ("100 x 1k", 100, 1000), ("1000 x 1k", 1000, 1000)]


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    rows: list[Row] = []
    for stack in ctx.stacks:
        rows += run_stack(ctx, stack)
    return rows


def run_stack(ctx, stack: str) -> list[Row]:  # type: ignore[no-untyped-def]
    loads = workloads(ctx.quick, ctx.smoke)
    sizes = {f"bench-sse-{n}": n for _, _, n in loads} | {"bench-sse-warm": 1000}
    scen = long_scenarios(ctx.results, sizes) if ctx.ours else []
    procs: list[Proc] = []
    try:
        ours = spawn_ours(*scen, stack=stack) if ctx.ours else None
        procs += [ours] if ours else []
        sample = capture(ours.port) if ours else None
        sample_args = ["--sample", str(sample.save(ctx.results / "sample.json"))] if sample else []
        star = spawn_bare("starlette", *sample_args, stack=stack)
        raw = spawn_bare("raw", *sample_args, stack=stack)
        procs += [star, raw]
        smp = sample or load_sample(None)
        rows: list[Row] = []
        deadline = 10.0 if ctx.quick else DEADLINE_S
        for label, streams, n in loads:
            if ours and procs[0].popen.poll() is None and rows:
                # A fresh server per workload: the journal of the previous one (it keeps every
                # request's plan) must not slow this one down.
                procs[0].stop()
                ours = procs[0] = spawn_ours(*scen, stack=stack)
            expect = smp.count(n)
            cpu: dict[str, list[float]] = {}
            partial: dict[str, int] = {}

            def contender(name: str, port: int, path: str, streams: int = streams,
                          expect: int = expect, cpu: dict[str, list[float]] = cpu,
                          partial: dict[str, int] = partial):  # type: ignore[no-untyped-def]
                def measure() -> float:
                    p = procs[0].port if name == "ours" else port
                    res = load(p, path, streams, expect, deadline=deadline)
                    cpu.setdefault(name, []).append(res["cpu_share"])
                    if res["partial"]:
                        partial[name] = partial.get(name, 0) + 1
                        if name == "ours":  # it goes on compiling the dropped requests: restart
                            procs[0].stop()
                            procs[0] = spawn_ours(*scen, stack=stack)
                    return float(res["events_per_s"])
                return measure

            c = {"starlette": contender("starlette", star.port, f"/v1/chat/completions?n={n}"),
                 "raw": contender("raw", raw.port, f"/v1/chat/completions?n={n}")}
            warm = {"starlette": (star.port, "/v1/chat/completions?n=1000"),
                    "raw": (raw.port, "/v1/chat/completions?n=1000")}
            if ours:
                c["ours"] = contender("ours", 0, f"/scenario/bench-sse-{n}/v1/chat/completions")
                warm["ours"] = (ours.port, "/scenario/bench-sse-warm/v1/chat/completions")
            if not ctx.quick:
                for port, path in warm.values():  # warm-up, not counted
                    load(port, path, 1, smp.count(1000))
            res = rounds(ctx.rounds, c, budget_s=None if ctx.quick else BUDGET_S)
            ours = procs[0] if ours else None
            med = {k: statistics.median(v) for k, v in res.items()}
            share = {k: round(max(v), 2) for k, v in cpu.items()}
            o = med.get("ours")
            ratio = median_ratio(res["ours"], res["starlette"]) if ours else None
            extra = {"rounds": res, "client_cpu_share_max": share}
            rows.append(Row("sse", f"events/s, {label}", "ev/s", o, "bare Starlette",
                            med["starlette"], ratio, ">= 1.0x",
                            None if ratio is None else ratio >= 1.0,
                            note=f"{len(res['raw'])} rounds; client CPU share max {share}"
                            + (f"; cut at the {deadline:.0f} s deadline (rate so far): {partial}"
                               if partial else ""),
                            extra={**extra, "partial_runs": partial}, stack=stack))
            rows.append(Row("sse", f"events/s, {label}", "ev/s", o, "raw asyncio", med["raw"],
                            median_ratio(res["ours"], res["raw"]) if ours else None,
                            stack=stack))
            ctx.say(f"{stack} {label}: " + ", ".join(f"{k} {v:,.0f} ev/s"
                                                      for k, v in med.items()))
        return rows
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit("run through benchmarks/run.py --only sse")
