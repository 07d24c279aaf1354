"""(1) SSE events/s through mockserver's full pipeline vs bare Starlette and raw asyncio.

Workloads (full run; `--quick` shrinks them): one stream of 200k chat chunks, 100 concurrent
streams of 1k chunks, 1000 concurrent streams of 1k chunks. Ours gets each as a scripted
scenario (`chunks: ["tok"] * n`, loaded with `--scenarios`, chosen by URL), so the request goes through
scenario -> plan -> player with no fault. The baselines replay the very bytes mockserver sent
for a short stream (sample.py), one event per write. The load client (loadclient.py) runs in
its own process; its CPU share is reported so it can be seen not to be the bottleneck.
Target: ours >= 1.0x bare Starlette; the ratio to raw asyncio is reported as context.
"""

from __future__ import annotations

import json
import subprocess
import sys

from common import BENCH_DIR, PY, long_scenarios, median_ratio, rounds, spawn_bare, spawn_ours
from report import Row
from sample import capture

__all__ = ["run", "load"]


def load(port: int, path: str, streams: int, expect: int, timeout: float = 120) -> dict:
    """Run the load client in its own process; return its JSON (events/s, CPU share, errors)."""
    out = subprocess.run(
        [PY, str(BENCH_DIR / "loadclient.py"), "sse", "--port", str(port), "--path", path,
         "--streams", str(streams), "--expect", str(expect), "--timeout", str(timeout)],
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
    loads = workloads(ctx.quick, ctx.smoke)
    sizes = {f"bench-sse-{n}": n for _, _, n in loads}
    ours = spawn_ours(*long_scenarios(ctx.results, sizes)) if ctx.ours else None
    procs = [ours] if ours else []
    try:
        sample = capture(ours.port) if ours else None
        sample_args = ["--sample", str(sample.save(ctx.results / "sample.json"))] if sample else []
        star = spawn_bare("starlette", *sample_args)
        procs.append(star)
        raw = spawn_bare("raw", *sample_args)
        procs.append(raw)
        from sample import load_sample

        smp = sample or load_sample(None)
        rows: list[Row] = []
        for label, streams, n in loads:
            expect = smp.count(n)
            cpu: dict[str, list[float]] = {}

            def contender(name: str, port: int, path: str):  # type: ignore[no-untyped-def]
                def measure() -> float:
                    res = load(port, path, streams, expect)
                    cpu.setdefault(name, []).append(res["cpu_share"])
                    return float(res["events_per_s"])
                return measure

            c = {"starlette": contender("starlette", star.port, f"/v1/chat/completions?n={n}"),
                 "raw": contender("raw", raw.port, f"/v1/chat/completions?n={n}")}
            if ours:
                path = f"/scenario/bench-sse-{n}/v1/chat/completions"
                c["ours"] = contender("ours", ours.port, path)
            for name, measure in c.items():  # warm-up, not counted
                if not ctx.quick and (streams > 1 or n <= 20_000):
                    measure()
            cpu.clear()
            res = rounds(ctx.rounds, c)
            med = {k: sorted(v)[len(v) // 2] for k, v in res.items()}
            share = {k: round(max(v), 2) for k, v in cpu.items()}
            o = med.get("ours")
            extra = {"rounds": res, "client_cpu_share_max": share}
            rows.append(Row("sse", f"events/s, {label}", "ev/s", o, "bare Starlette",
                            med["starlette"],
                            median_ratio(res["ours"], res["starlette"]) if ours else None,
                            ">= 1.0x", None if o is None else
                            median_ratio(res["ours"], res["starlette"]) >= 1.0,
                            note=f"client CPU share max {share}", extra=extra))
            rows.append(Row("sse", f"events/s, {label}", "ev/s", o, "raw asyncio", med["raw"],
                            median_ratio(res["ours"], res["raw"]) if ours else None))
            ctx.say(f"{label}: " + ", ".join(f"{k} {v:,.0f} ev/s" for k, v in med.items()))
        return rows
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit("run through benchmarks/run.py --only sse")
