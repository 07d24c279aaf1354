"""Run every benchmark, print one table, write one JSON file.

    python benchmarks/run.py [--quick | --smoke] [--peers] [--only NAME[,NAME]] [--rounds N]
                             [--out FILE] [--stacks fast,h11]

Each benchmark lives in its own module `bench_<name>.py` with `run(ctx) -> list[Row]` and is
listed in `REGISTRY` below; adding one (WebSocket, fuzzing, a new peer) is one module plus one
line here. `bench_fuzz.py` is owned by the fuzzing work and is run as a script that prints one
JSON line; `external()` turns that line into rows.

Bounded: full run < 10 min on 2 cores, `--quick` < 1 min. Servers bind 127.0.0.1 in their own
processes and are stopped by PID (see common.py). Results go to `benchmarks/results/`
(gitignored), one file per run plus `latest.json`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, PY, REPO, STACKS, raise_nofile  # noqa: E402
from report import Row, machine, render_table, write_json  # noqa: E402

# name -> module (run(ctx) -> list[Row]) or "script:<file>" (prints one JSON line).
REGISTRY: dict[str, str] = {
    "sse": "bench_sse",          # (1) SSE events/s vs bare Starlette and raw asyncio
    "ws": "bench_ws",            # (2) WebSocket messages/s vs bare websockets / Starlette
    "pertest": "bench_pertest",  # (3) per-test fixture cost vs respx, pytest-httpserver, ...
    "timing": "bench_timing",    # (4) pacing |error| p99 and drift; split writes as reads
    "memory": "bench_memory",    # (5) RSS idle, 1M-event stream, 1000 idle streams
    "startup": "bench_startup",  # (6) `mockserver serve` until the port accepts; session start
    "fuzz": "script:bench_fuzz.py",  # (7) check_sse_parser examples/s (fuzzing engineer)
    "hostile": "bench_hostile",  # (9) 10,000 hostile inputs; RSS under 5,000 lanes, 1 MB bodies
    "workers": "bench_workers",  # (10) events/s for 1, 2, 4 workers; Redis vs in-process state
    "proxy": "bench_proxy",      # (11) `serve --upstream`: ms added before the first byte
}
PEERS = "bench_peers"            # (8) only with --peers


@dataclass
class Ctx:
    """What every benchmark gets: mode, rounds, where to write, and whether ours can run."""

    quick: bool
    rounds: int
    results: Path
    ours: bool
    peers: bool
    smoke: bool = False
    log: list[str] = field(default_factory=list)
    #: the stacks every comparison runs on (common.STACKS), each side on the same one
    stacks: list[str] = field(default_factory=lambda: list(STACKS))

    def say(self, msg: str) -> None:
        print(f"  {msg}", flush=True)


def ours_available() -> bool:
    """True once the lead's server exists (`mockserver.transport.server.MockServer`)."""
    return importlib.util.find_spec("mockserver.transport.server") is not None


def external(name: str, script: str, ctx: Ctx) -> list[Row]:
    """Run a script benchmark and turn its one JSON line into rows.

    Accepted shapes: `{"rows": [{Row fields}...]}` or a flat `{"metric": number, ...}`.
    """
    path = BENCH_DIR / script
    if not path.exists():
        return [Row(name, "not available yet", "", None, note=f"{script} not written yet")]
    args = [PY, str(path)] + (["--quick"] if ctx.quick else [])
    proc = subprocess.run(args, capture_output=True, text=True, cwd=REPO,
                          timeout=60 if ctx.quick else 240)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip().startswith("{")]
    if proc.returncode or not lines:
        raise RuntimeError(f"{script} failed ({proc.returncode}): {proc.stderr[-800:]}")
    data = json.loads(lines[-1])
    if isinstance(data.get("rows"), list):
        return [Row(**{"bench": name, **r}) for r in data["rows"]]
    return [Row(name, k, "", float(v)) for k, v in data.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)]


class LoadSampler:
    """The 1-minute load average every 10 s while the benchmarks run, per benchmark: how noisy
    the machine was (other work on a 2-core machine moves absolute figures; see README)."""

    def __init__(self, every: float = 10.0) -> None:
        import os
        import threading

        self.samples: dict[str, list[float]] = {}
        self.current = "start"
        self._stop = threading.Event()
        self._every = every
        self._read = os.getloadavg
        self._thread = threading.Thread(target=self._run, name="load-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self.samples.setdefault(self.current, []).append(round(self._read()[0], 2))
            if self._stop.wait(self._every):
                return

    def stop(self) -> dict[str, list[float]]:
        self._stop.set()
        self._thread.join(self._every + 1)
        return self.samples


def byte_compile() -> None:
    """Byte-compile the project's packages, as `pip install` does for an installed package:
    a checkout run with PYTHONDONTWRITEBYTECODE (or read-only) would otherwise compile every
    module from source on every start, while the baselines' site-packages are compiled."""
    import compileall

    for package in ("mockserver", "fixtures", "pytest_plugin"):
        compileall.compile_dir(str(REPO / package), quiet=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="mockserver benchmarks (see benchmarks/README.md)")
    ap.add_argument("--quick", action="store_true", help="small sizes, < 1 minute")
    ap.add_argument("--peers", action="store_true", help="also llmock and aimock (installs)")
    ap.add_argument("--smoke", action="store_true",
                    help="tiniest sizes, 1 round: checks the command works (figures meaningless)")
    ap.add_argument("--only", default="", help="comma-separated names: " + ",".join(REGISTRY))
    ap.add_argument("--rounds", type=int, default=0, help="rounds per comparison")
    ap.add_argument("--out", type=Path, default=None, help="JSON path")
    ap.add_argument("--stacks", default=",".join(STACKS),
                    help="comma-separated stacks to compare on: " + ",".join(STACKS)
                    + " (default: all; each baseline runs on the same stack as ours)")
    args = ap.parse_args(argv)
    raise_nofile()
    byte_compile()
    names = [n for n in args.only.split(",") if n] or list(REGISTRY)
    if args.peers and PEERS not in names:
        names.append("peers")
    unknown = [n for n in names if n not in REGISTRY and n != "peers"]
    if unknown:
        ap.error(f"unknown benchmark(s) {unknown}; choose from {list(REGISTRY)}")
    stacks = [s for s in args.stacks.split(",") if s]
    if not stacks or any(s not in STACKS for s in stacks):
        ap.error(f"--stacks: choose from {list(STACKS)}, got {args.stacks!r}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results = BENCH_DIR / "results"
    results.mkdir(exist_ok=True)
    args.quick = args.quick or args.smoke
    ctx = Ctx(quick=args.quick, rounds=1 if args.smoke else args.rounds or (2 if args.quick else 3),
              results=results, ours=ours_available(), peers=args.peers, smoke=args.smoke,
              stacks=stacks)
    meta = {**machine(), "quick": args.quick, "rounds": ctx.rounds, "ours_available": ctx.ours,
            "stacks": {s: STACKS[s] for s in stacks}}
    print(f"machine: {meta['nproc']} cores, {meta['cpu']}, Python {meta['python']}; "
          f"{'quick' if args.quick else 'full'} run, {ctx.rounds} rounds", flush=True)
    rows: list[Row] = []
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    load = LoadSampler()
    for name in names:
        t0 = time.perf_counter()
        load.current = name
        print(f"[{name}]", flush=True)
        target = PEERS if name == "peers" else REGISTRY[name]
        try:
            if target.startswith("script:"):
                got = external(name, target.removeprefix("script:"), ctx)
            else:
                got = importlib.import_module(target).run(ctx)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            got = [Row(name, "FAILED", "", None, note=f"{type(exc).__name__}: {exc}"[:300])]
        rows += got
        timings[name] = round(time.perf_counter() - t0, 1)
        print(f"  ({timings[name]:.1f} s)", flush=True)
    meta["seconds"] = {**timings, "total": round(time.perf_counter() - t_all, 1)}
    meta["load_1min"] = samples = load.stop()
    flat = [x for v in samples.values() for x in v]
    print(f"load average (1 min, every 10 s): {min(flat):.1f}-{max(flat):.1f}; "
          + ", ".join(f"{k} {min(v):.1f}-{max(v):.1f}" for k, v in samples.items()))
    print()
    print(render_table(rows))
    out = args.out or results / f"bench-{stamp}{'-quick' if args.quick else ''}.json"
    write_json(out, rows, meta)
    write_json(results / "latest.json", rows, meta)
    print(f"\nwrote {out} ({meta['seconds']['total']} s)")
    return 1 if any(r.metric == "FAILED" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
