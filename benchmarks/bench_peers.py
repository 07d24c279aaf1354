"""(8) Peers, with `--peers`: llmock (PyPI) and aimock (npm) against bare Starlette and ours,
in the same run.

Setup installs pinned versions into `benchmarks/peers/` (gitignored): a venv for `llmock`
and an npm prefix for `@copilotkit/aimock` (its `llmock`-compatible CLI, `dist/cli.js`).
Each peer runs in its own process on 127.0.0.1 and is stopped by PID. Measured, each as a
ratio to bare Starlette measured in the same rounds:

- SSE events/s, 100 concurrent streams of 1k chunks (llmock: a `reply` behaviour of 1000
  words; aimock: a fixture whose 3000-char content is cut with `--chunk-size 3`);
- start-up until the port answers; RSS idle after one request;
- pacing: 50 chunks with a 20 ms gap (`--stream-chunk-delay-ms 20` / `--latency 20`),
  |error| p99 and drift as in bench_timing.

Per-test cost through their pytest fixtures is not measured here.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys

from admin import admin_request
from bench_memory import rss
from bench_sse import load
from bench_startup import free_port, time_to_accept
from bench_timing import GAP_MS
from common import (
    BENCH_DIR,
    PY,
    Proc,
    long_scenarios,
    median_ratio,
    pct,
    rounds,
    spawn_bare,
    spawn_ours,
    wait_port,
)
from report import Row
from sample import chat_request
from wire import pacing_errors, reads_of, timed_events

__all__ = ["run", "setup"]

PEERS = BENCH_DIR / "peers"
LLMOCK = "llmock==0.2.2"
AIMOCK = "@copilotkit/aimock@1.43.0"
N, STREAMS, N_PACED = 1000, 100, 50


def setup() -> dict[str, bool]:
    """Install the peers once (pinned); return which ones are usable."""
    venv = PEERS / "venv"
    if not (venv / "bin" / "llmock").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", LLMOCK], check=True,
                       timeout=600)
    cli = PEERS / "node/node_modules/@copilotkit/aimock/dist/cli.js"
    if not cli.exists() and shutil.which("npm"):
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(PEERS / "node"), AIMOCK], check=True, timeout=600)
    return {"llmock": (venv / "bin" / "llmock").exists(),
            "aimock": cli.exists() and shutil.which("node") is not None}


def argv(peer: str, port: int, gap_ms: float = 0, n: int = N) -> list[str]:
    if peer == "llmock":
        cmd = [str(PEERS / "venv/bin/llmock"), "serve", "--port", str(port),
               "--log-level", "warning"]
        return cmd + (["--stream-chunk-delay-ms", str(int(gap_ms))] if gap_ms else [])
    fixture = PEERS / f"aimock-{n}.json"
    fixture.write_text(json.dumps({"fixtures": [
        {"match": {"userMessage": "hi"}, "response": {"content": "tok" * n}}]}))
    cmd = ["node", str(PEERS / "node/node_modules/@copilotkit/aimock/dist/cli.js"), "-p",
           str(port), "-h", "127.0.0.1", "-f", str(fixture), "-c", "3", "--log-level", "warn"]
    return cmd + (["-l", str(int(gap_ms))] if gap_ms else [])


def start(peer: str, gap_ms: float = 0, n: int = N) -> Proc:
    """Start a peer on a free port, wait until it answers, script an n-chunk reply."""
    port = free_port()
    popen = subprocess.Popen(argv(peer, port, gap_ms, n), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, cwd=PEERS)
    proc = Proc(popen, port, peer)
    try:
        wait_port(port, timeout=30)
        if peer == "llmock":
            status, body = admin_request(port, "POST", "/_llmock/scenario", {"behaviors": [
                {"type": "reply", "text": " ".join(["tok"] * n), "times": None}]})
            if status >= 300:
                raise RuntimeError(f"llmock scenario refused: {status} {body[:200]!r}")
    except Exception:
        proc.stop()
        raise
    return proc


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    usable = setup()
    peers = [p for p, ok in usable.items() if ok]
    rows: list[Row] = []
    procs: dict[str, Proc] = {}
    try:
        procs["starlette"] = spawn_bare("starlette")
        if ctx.ours:
            procs["ours"] = spawn_ours(*long_scenarios(ctx.results, {"bench-peer": N}))
        for p in peers:
            procs[p] = start(p)
        path = {"starlette": f"/v1/chat/completions?n={N}",
                "ours": "/scenario/bench-peer/v1/chat/completions"}
        c = {k: (lambda k=k: float(load(procs[k].port, path.get(k, "/v1/chat/completions"),
                                        STREAMS, 0, deadline=30)["events_per_s"]))
             for k in procs}
        res = rounds(2 if ctx.quick else ctx.rounds, c, budget_s=90)
        for k in procs:
            if k == "starlette":
                continue
            rows.append(Row("peers", f"{k}: events/s, {STREAMS} x {N // 1000}k", "ev/s",
                            statistics.median(res[k]), "bare Starlette",
                            statistics.median(res["starlette"]),
                            median_ratio(res[k], res["starlette"])))
        idle = {k: rss(pr.pid, samples=5) for k, pr in procs.items()}
    finally:
        for pr in procs.values():
            pr.stop()
    # start-up, interleaved with bare Starlette
    bare = [PY, str(BENCH_DIR / "bare_servers.py"), "starlette", "--port"]
    su = {"starlette": lambda: (lambda p: time_to_accept(bare + [str(p)], p))(free_port())}
    for p in peers:
        su[p] = lambda p=p: (lambda port: time_to_accept(argv(p, port), port))(free_port())
    st = rounds(3, su)
    for p in peers:
        rows.append(Row("peers", f"{p}: start-up until it answers", "ms",
                        statistics.median(st[p]), "bare Starlette+uvicorn",
                        statistics.median(st["starlette"]), median_ratio(st[p], st["starlette"]),
                        better="lower"))
        rows.append(Row("peers", f"{p}: RSS idle", "MB", idle[p], "bare Starlette",
                        idle["starlette"], idle[p] / idle["starlette"], better="lower"))
    # pacing
    for p in peers:
        pr = start(p, gap_ms=GAP_MS, n=N_PACED)
        try:
            p99s, drifts = [], []
            for _ in range(2 if ctx.quick else 3):
                tr = reads_of(pr.port, chat_request("127.0.0.1", pr.port))
                e, d = pacing_errors(timed_events(tr), GAP_MS)
                p99s.append(pct([abs(x) for x in e], 99))
                drifts.append(abs(d))
        finally:
            pr.stop()
        rows.append(Row("peers", f"{p}: pacing |error| p99, {N_PACED} x 20 ms", "ms",
                        statistics.median(p99s), better="lower",
                        extra={"rounds": p99s, "drift_ms": drifts}))
        rows.append(Row("peers", f"{p}: pacing drift", "ms", statistics.median(drifts),
                        better="lower"))
    ctx.say(", ".join(f"{r.metric} {r.ours:.1f}" for r in rows if r.ours is not None))
    return rows
