"""(10) Throughput of `serve --workers N` for N = 1, 2, 4, and the cost of Redis state.

Contenders, each `mockserver serve` in its own process group, all measured in the same run,
round by round in rotated order (common.rounds):

    1 worker            `serve` as today: one process, lanes in memory (the baseline)
    2 / 4 workers       `--workers N`: N processes on one port (SO_REUSEPORT)
    1 worker + Redis    `--state redis://...`: one process, lanes in a real Redis
    2 workers + Redis   `--workers 2 --state redis://...`

The workload is the SSE one of bench_sse.py (the load client in its own process, N
concurrent streams of a scripted `chunks:` scenario chosen by URL, no fault): long streams
(100 x 1k) where per-request work is amortised, and short ones (1000 x 20 in the full run)
where it is not. With --state every request also takes three Redis calls (the lane's index
and arrival number, the library-use counter, the journal write), which is the cost shown.

On a 2-core machine the load client needs about a core of its own, so more than one worker
has at most one core left and 4 workers oversubscribe it: the figures show the overhead of
processes there, not the scaling a bigger machine gets (benchmarks/README.md).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/, shared with the tests

from bench_sse import load  # noqa: E402
from common import Proc, long_scenarios, median_ratio, rounds, spawn_ours  # noqa: E402
from report import Row  # noqa: E402

from tools.redis_server import RedisServer  # noqa: E402

__all__ = ["run"]

BUDGET_S = 60.0  # per workload: no new round starts after this
DEADLINE_S = 30.0  # per load run: past it, the rate so far is reported


def workloads(quick: bool, smoke: bool) -> list[tuple[str, int, int]]:
    if smoke:
        return [("20 x 100", 20, 100)]
    if quick:
        return [("100 x 200", 100, 200), ("200 x 20", 200, 20)]
    return [("100 x 1k", 100, 1000), ("1000 x 20", 1000, 20)]


def contenders(redis_url: str, scen: list[str]) -> dict[str, list[str]]:
    return {
        "1 worker": [*scen],
        "2 workers": ["--workers", "2", *scen],
        "4 workers": ["--workers", "4", *scen],
        "1 worker + Redis": ["--state", redis_url, *scen],
        "2 workers + Redis": ["--workers", "2", "--state", redis_url, *scen],
    }


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    loads = workloads(ctx.quick, ctx.smoke)
    sizes = {f"bench-w-{n}": n for _, _, n in loads}
    scen = long_scenarios(ctx.results, sizes)
    folder = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    redis = RedisServer(folder).start()
    procs: dict[str, Proc] = {}
    try:
        for name, args in contenders(redis.url, scen).items():
            procs[name] = spawn_ours("--quiet", *args)
        rows: list[Row] = []
        deadline = 10.0 if ctx.quick else DEADLINE_S
        for label, streams, n in loads:
            path = f"/scenario/bench-w-{n}/v1/chat/completions"
            expect = n + 3  # role chunk, n pieces, finish chunk, [DONE]
            cpu: dict[str, list[float]] = {}

            def measure(name: str, streams: int = streams, path: str = path,
                        expect: int = expect, cpu: dict[str, list[float]] = cpu):  # type: ignore[no-untyped-def]
                def once() -> float:
                    res = load(procs[name].port, path, streams, expect, deadline=deadline)
                    cpu.setdefault(name, []).append(res["cpu_share"])
                    return float(res["events_per_s"])
                return once

            for name in procs:  # warm-up, not counted: imports, first connections to Redis
                load(procs[name].port, path, min(streams, 20), expect, deadline=deadline)
            res = rounds(ctx.rounds, {name: measure(name) for name in procs},
                         budget_s=None if ctx.quick else BUDGET_S)
            med = {k: statistics.median(v) for k, v in res.items()}
            share = {k: round(max(v), 2) for k, v in cpu.items()}
            note = f"{len(res['1 worker'])} rounds; load client CPU share max {share}"
            for name, base in (("2 workers", "1 worker"), ("4 workers", "1 worker"),
                               ("1 worker + Redis", "1 worker"),
                               ("2 workers + Redis", "2 workers")):
                rows.append(Row("workers", f"events/s, {label}, {name}", "ev/s", med[name],
                                base, med[base], median_ratio(res[name], res[base]),
                                note=note, extra={"rounds": res, "client_cpu_share_max": share}))
            ctx.say(f"{label}: " + ", ".join(f"{k} {v:,.0f} ev/s" for k, v in med.items()))
        return rows
    finally:
        for proc in procs.values():
            proc.stop()
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit("run through benchmarks/run.py --only workers")
