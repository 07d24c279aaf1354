"""(6) Start-up: how long from launching a server until its port accepts a connection.

- `mockserver serve --port P` (the console script users run, found next to the interpreter
  running the benchmarks) and `python -m mockserver serve` against a bare Starlette app on
  uvicorn started the same way (`bare_servers.py --port P`), and `python -c pass` as the floor
  any Python server pays. Time runs from `Popen` until the port accepts a connection *and
  answers* an HTTP request (a listening socket accepts into its backlog before the app can
  serve, which would flatter a server that binds early), polled every 2 ms. Target: 150 ms.
- Session start of the plugin (target 60 ms): importing and starting the in-thread server, in
  a fresh interpreter, timed inside it (`_session_start.py`); against pytest-httpserver's
  `HTTPServer` and a bare in-thread uvicorn with a Starlette app.
Rounds alternate the contenders; medians and the median same-round ratio are reported. Each
stack in turn: ours and the bare uvicorn servers on httptools + uvloop, then on h11 + asyncio
(pytest-httpserver and `python -c pass` have no stack; they are measured with each).
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import time

from common import BENCH_DIR, PY, REPO, STACKS, console_script, median_ratio, rounds, stack_args
from report import Row

__all__ = ["run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(port: int) -> bool:
    """True when 127.0.0.1:`port` accepts a connection and answers an HTTP request with a
    status line (a bound socket accepts before the app serves, so accepting alone is not enough)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"GET /_mock/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/1.1 ")
    except OSError:
        return False


def time_to_accept(argv: list[str], port: int, timeout: float = 15.0) -> float:
    """ms from Popen until 127.0.0.1:`port` answers HTTP; the process is then stopped by PID."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    try:
        while True:
            if answers(port):
                return (time.perf_counter() - t0) * 1000
            if p.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"{argv} never answered on {port}")
            time.sleep(0.002)
    finally:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def time_exit(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, cwd=REPO, timeout=30)
    return (time.perf_counter() - t0) * 1000


def session_start(kind: str, stack: str = "fast") -> float:
    """ms to import and start one in-thread server, measured inside a fresh interpreter."""
    http, loop = STACKS[stack]
    out = subprocess.run([PY, str(BENCH_DIR / "_session_start.py"), kind, http, loop],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    if out.returncode:
        raise RuntimeError(f"session start {kind} failed: {out.stderr[-500:]}")
    return float(json.loads(out.stdout.strip().splitlines()[-1])["ms"])


def _served(argv: list[str]) -> float:
    port = free_port()
    return time_to_accept(argv + [str(port)], port)


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    rows: list[Row] = []
    for stack in ctx.stacks:
        rows += run_stack(ctx, stack)
    return rows


def run_stack(ctx, stack: str) -> list[Row]:  # type: ignore[no-untyped-def]
    n = 3 if ctx.quick else 7
    script = console_script("mockserver") if ctx.ours else ""
    bare = [PY, str(BENCH_DIR / "bare_servers.py"), "starlette", *stack_args(stack), "--port"]
    c = {"bare": lambda: _served(bare), "python": lambda: time_exit([PY, "-c", "pass"])}
    if ctx.ours:
        c["ours"] = lambda: _served([script, "serve", *stack_args(stack), "--port"])
        c["ours_m"] = lambda: _served([PY, "-m", "mockserver", "serve", *stack_args(stack),
                                       "--port"])
    res = rounds(n, c)
    sc = {"bare": lambda: session_start("uvicorn", stack),
          "httpserver": lambda: session_start("httpserver", stack)}
    if ctx.ours:
        sc["ours"] = lambda: session_start("mockserver", stack)
    ses = rounds(n, sc)
    both = {**res, **{"s_" + k: v for k, v in ses.items()}}
    med = {k: statistics.median(v) for k, v in both.items()}
    ctx.say(f"{stack}: " + ", ".join(f"{k} {v:.0f} ms" for k, v in med.items()))
    note = "" if ctx.ours else "mockserver not available yet: baselines only"
    o, om, so = med.get("ours"), med.get("ours_m"), med.get("s_ours")
    return [
        Row("startup", "`mockserver serve` until port answers", "ms", o, "bare Starlette+uvicorn",
            med["bare"], median_ratio(res["ours"], res["bare"]) if o else None, "< 150 ms",
            None if o is None else o < 150, "lower", note,
            extra={"python_floor_ms": med["python"], "rounds": res}, stack=stack),
        Row("startup", "`python -m mockserver serve` until answers", "ms", om, "python -c pass",
            med["python"], median_ratio(res["ours_m"], res["python"]) if om else None, "",
            None, "lower", stack=stack),
        Row("startup", "session start (in-thread server)", "ms", so, "bare uvicorn in thread",
            med["s_bare"], median_ratio(ses["ours"], ses["bare"]) if so else None, "< 60 ms",
            None if so is None else so < 60, "lower",
            extra={"pytest_httpserver_ms": med["s_httpserver"], "rounds": ses}, stack=stack),
        Row("startup", "session start (in-thread server)", "ms", so, "pytest-httpserver",
            med["s_httpserver"], median_ratio(ses["ours"], ses["httpserver"]) if so else None,
            "", None, "lower", stack=stack),
    ]
