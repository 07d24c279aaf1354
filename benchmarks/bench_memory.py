"""(5) Memory: RSS of the server process idle, while streaming one long stream, and while holding
1000 idle streams, against bare Starlette in the same run.

RSS is read with psutil from the server's PID every 20 ms. For the long stream we report the
peak and the growth over the RSS just before the request (the script, written in the compact
form `chunks: {repeat: "tok", times: n}`, is loaded at start-up with `--scenarios`; the peak
counts its storage, the growth does not). Ours runs twice: idle and
held streams on a server started plainly, long streams on one started with the scripts. "Flat in
stream length" compares the growth of a stream ten times shorter with the full one: the
difference must stay within 2 MB. Idle streams: 1000 sockets each send a request whose first
event is 60 s away, and RSS is read once they are all held. Target: at most 1.2x bare
Starlette's RSS in every state. Bound: a stream still running after 75 s is cut, and the peak so
far is reported. Each stack in turn, ours and bare Starlette on the same one.
"""

from __future__ import annotations

import socket
import threading
import time

import psutil
from admin import enqueue
from bench_sse import load
from common import Proc, long_scenarios, spawn_bare, spawn_ours
from report import Row
from sample import chat_request, load_sample

__all__ = ["run"]

MB = 1 << 20


def rss(pid: int, samples: int = 5, every: float = 0.05) -> float:
    """Median RSS (MB) of `pid` over a few samples."""
    p = psutil.Process(pid)
    vals = []
    for _ in range(samples):
        vals.append(p.memory_info().rss / MB)
        time.sleep(every)
    return sorted(vals)[len(vals) // 2]


def stream_growth(proc: Proc, path: str, expect: int, deadline: float) -> tuple[float, float]:
    """(peak RSS MB, growth MB over the RSS just before) while one stream is read in full."""
    p = psutil.Process(proc.pid)
    before = rss(proc.pid)
    peak, done = before, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, p.memory_info().rss / MB)
            time.sleep(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        load(proc.port, path, 1, expect, timeout=240, deadline=deadline)
    finally:
        done.set()
        t.join()
    return peak, peak - before


def idle_streams(proc: Proc, path: str, n: int) -> float:
    """RSS (MB) while `n` requests wait for a first event that is 60 s away."""
    socks = []
    try:
        req = chat_request("127.0.0.1", proc.port, path)
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", proc.port), timeout=10)
            s.sendall(req)
            socks.append(s)
        time.sleep(1.5)
        return max(rss(proc.pid, samples=5, every=0.1), rss(proc.pid, samples=3, every=0.1))
    finally:
        for s in socks:
            s.close()


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    rows: list[Row] = []
    for stack in ctx.stacks:
        rows += run_stack(ctx, stack)
    return rows


def run_stack(ctx, stack: str) -> list[Row]:  # type: ignore[no-untyped-def]
    n_long = 20_000 if ctx.quick else 1_000_000
    n_idle = 200 if ctx.quick else 1000
    deadline = 15.0 if ctx.quick else 75.0  # a stream not done by then: peak so far
    smp = load_sample(None)
    fig: dict[str, dict[str, float]] = {}

    def measure(name: str, idle_proc: Proc, long_proc: Proc, paths: dict[str, str]) -> None:
        """Idle and held streams on a server with no long script loaded, then the streams."""
        f = fig[name] = {}
        load(idle_proc.port, paths["warm"], 1, 0)
        f["idle"] = rss(idle_proc.pid, samples=9)
        f["held"] = idle_streams(idle_proc, paths["idle"], n_idle)
        if long_proc is not idle_proc:
            f["scripts_loaded"] = rss(long_proc.pid)
        _, f["short_growth"] = stream_growth(long_proc, paths["short"], smp.count(n_long // 10),
                                             deadline)
        f["long_peak"], f["long_growth"] = stream_growth(long_proc, paths["long"],
                                                         smp.count(n_long), deadline)
        ctx.say(f"{stack} {name}: " + ", ".join(f"{k} {v:.1f} MB" for k, v in f.items()))

    bare = spawn_bare("starlette", stack=stack)
    try:
        measure("bare", bare, bare, {
            "warm": "/v1/chat/completions?n=20", "idle": "/v1/chat/completions?n=1&first_ms=60000",
            "long": f"/v1/chat/completions?n={n_long}",
            "short": f"/v1/chat/completions?n={n_long // 10}"})
    finally:
        bare.stop()
    if ctx.ours:
        plain = spawn_ours(stack=stack)
        scripted = None
        try:
            enqueue(plain.port, {"response": {"chunks": ["tok"]}, "timing": {"first_token_ms":
                    60000}, "times": "always"}, lane="idle")
            scripted = spawn_ours(*long_scenarios(
                ctx.results, {"bench-mem-long": n_long, "bench-mem-short": n_long // 10}),
                stack=stack)
            measure("ours", plain, scripted, {
                "warm": "/v1/chat/completions", "idle": "/lane/idle/v1/chat/completions",
                "long": "/scenario/bench-mem-long/v1/chat/completions",
                "short": "/scenario/bench-mem-short/v1/chat/completions"})
        finally:
            plain.stop()
            if scripted:
                scripted.stop()
    o = fig.get("ours", {})
    b = fig["bare"]
    note = "" if o else "mockserver not available yet: baseline only"

    def row(metric: str, key: str, target: str = "<= 1.2x") -> Row:
        ratio = o[key] / b[key] if o else None
        return Row("memory", metric, "MB", o.get(key), "bare Starlette", b[key], ratio, target,
                   None if ratio is None else ratio <= 1.2, "lower", note if key == "idle" else "",
                   stack=stack)

    flat = (o["long_growth"] - o["short_growth"]) if o else None
    return [
        row("RSS idle", "idle"),
        row(f"RSS peak, 1 stream of {n_long:,} events", "long_peak"),
        row(f"RSS holding {n_idle} idle streams", "held"),
        Row("memory", f"growth {n_long // 10:,} -> {n_long:,} events", "MB", flat,
            "bare Starlette", b["long_growth"] - b["short_growth"], None, "< 2 MB (flat)",
            None if flat is None else flat < 2.0, "lower",
            extra={"ours": o, "bare": b}, stack=stack),
    ]
