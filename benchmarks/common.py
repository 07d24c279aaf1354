"""Shared plumbing for every benchmark: server processes, rounds, ratios.

Why one module: every comparison in `benchmarks/` must be made the same way, so that the
ratios mean the same thing everywhere.

    run.py --(registry)--> bench_*.py --spawn()--> server process (127.0.0.1, port 0)
                                      \--rounds()-> interleaved measurements -> median ratio

- Every server runs in its own process, binds 127.0.0.1 with port 0, prints the port it got,
  and is stopped by its PID (`Proc.stop`), never by name.
- Every comparison is a ratio measured round by round: each round measures ours and the
  baseline back to back, the round's ratio is taken, and the median of those is reported
  (shared machines move absolute figures by 30%; same-round ratios far less).
- Every comparison is made on each stack (`STACKS`): ours and its uvicorn baseline both on
  httptools + uvloop (`fast`, what `uvicorn[standard]` users run), then both on h11 + asyncio
  (`h11`); raw asyncio and bare `websockets` run on the stack's loop. Never ours on one stack
  against a baseline on another.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "BENCH_DIR", "REPO", "PY", "Proc", "spawn", "spawn_ours", "wait_port", "median_ratio",
    "pct", "rounds", "raise_nofile", "spawn_bare", "long_scenarios", "STACKS", "stack_args",
    "console_script",
]

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
PY = sys.executable
PORT_RE = re.compile(rb"https?://127\.0\.0\.1:(\d+)|listening on port (\d+)")

#: stack name -> (HTTP implementation, event loop), the `--http` / `--loop` of ours and the
#: uvicorn baselines (bare_servers.py takes the same two options)
STACKS: dict[str, tuple[str, str]] = {"fast": ("httptools", "uvloop"), "h11": ("h11", "asyncio")}


def stack_args(stack: str) -> list[str]:
    http, loop = STACKS[stack]
    return ["--http", http, "--loop", loop]


def console_script(name: str = "mockserver") -> str:
    """The console script installed next to the interpreter running the benchmarks (any
    venv, not only the repo's `.venv`); PATH only when there is none beside it."""
    import shutil

    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"no `{name}` script next to {sys.executable} or on PATH")
    return found


def raise_nofile(want: int = 8192) -> None:
    """Raise the soft open-files limit: 1000 concurrent streams need > 1024 descriptors."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    except (ImportError, ValueError, OSError):
        pass


class Proc:
    """A server process we started: its PID, the port it announced, and a bounded stop."""

    def __init__(self, popen: subprocess.Popen[bytes], port: int, name: str) -> None:
        self.popen, self.port, self.name = popen, port, name
        self.pid = popen.pid
        self.url = f"http://127.0.0.1:{port}"

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM this PID, then SIGKILL it if it has not exited within `timeout`."""
        if self.popen.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(timeout)

    def __enter__(self) -> Proc:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def spawn(argv: Sequence[str], name: str, timeout: float = 20.0,
          env: dict[str, str] | None = None) -> Proc:
    """Start `argv`, wait for the line that names its port, and drain its output afterwards.

    The child must print `http://127.0.0.1:PORT` (mockserver's own banner) or
    `listening on port PORT` (our baselines). Output is drained in a thread so a chatty server
    (one log line per request) never blocks on a full pipe.
    """
    popen = subprocess.Popen(
        list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO,
        env={**os.environ, **(env or {})},
    )
    assert popen.stdout is not None
    deadline = time.monotonic() + timeout
    seen: list[bytes] = []
    port = None
    while port is None:
        if time.monotonic() > deadline or popen.poll() is not None:
            popen.kill()
            popen.wait()
            raise RuntimeError(f"{name} did not start: {b''.join(seen)[-2000:]!r}")
        line = popen.stdout.readline()
        seen.append(line)
        m = PORT_RE.search(line)
        if m:
            port = int(m.group(1) or m.group(2))
    threading.Thread(target=_drain, args=(popen.stdout,), daemon=True).start()
    wait_port(port, timeout=max(0.1, deadline - time.monotonic()))
    return Proc(popen, port, name)


def _drain(stream: object) -> None:
    for _ in stream:  # type: ignore[attr-defined]
        pass


def spawn_ours(*extra: str, stack: str = "fast", timeout: float = 60.0) -> Proc:
    """Start `python -m mockserver serve --port 0` (the CLI users run) on `stack` in its own
    process."""
    return spawn([PY, "-m", "mockserver", "serve", "--port", "0", *stack_args(stack), *extra],
                 f"mockserver-{stack}", timeout=timeout)


def long_scenarios(folder: Path, sizes: dict[str, int]) -> list[str]:
    """Write named `chunks: {repeat: "tok", times: n}` scenarios to a JSON file; return
    `--scenarios FILE`. The compact form is what a user writes for a long repetitive script
    (held as one repetition, rendered lazily); requests pick one by URL:
    `/scenario/<name>/v1/chat/completions`.
    """
    import json

    path = folder / f"scenarios-{'-'.join(sizes)}.json"
    docs = [{"name": name, "response": {"chunks": {"repeat": "tok", "times": n}}}
            for name, n in sizes.items()]
    path.write_text(json.dumps(docs))
    return ["--scenarios", str(path)]


def spawn_bare(kind: str, *extra: str, stack: str = "fast", timeout: float = 20.0) -> Proc:
    """Start one of the baselines of `bare_servers.py` on `stack` in its own process."""
    return spawn([PY, str(BENCH_DIR / "bare_servers.py"), kind, *stack_args(stack), *extra],
                 f"bare-{kind}-{stack}", timeout=timeout)


def wait_port(port: int, timeout: float = 10.0) -> float:
    """Poll until 127.0.0.1:`port` accepts a TCP connection; return the seconds it took."""
    t0 = time.perf_counter()
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return time.perf_counter() - t0
        except OSError:
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"port {port} not accepting after {timeout}s") from None
            time.sleep(0.002)


def rounds(n: int, contenders: dict[str, Callable[[], float]],
           budget_s: float | None = None) -> dict[str, list[float]]:
    """Run each contender once per round, in an order rotated every round, and collect figures.

    Rotation keeps a warm-up or a noisy neighbour from always landing on the same contender.
    With `budget_s`, no new round starts once that many seconds have passed (at least one
    round always runs): a slow contender shortens its comparison instead of the whole run
    overrunning its bound. The number of rounds done is the length of each list.
    """
    names = list(contenders)
    out: dict[str, list[float]] = {k: [] for k in names}
    t0 = time.monotonic()
    for r in range(n):
        if r and budget_s is not None and time.monotonic() - t0 > budget_s:
            break
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            out[name].append(contenders[name]())
    return out


def median_ratio(a: list[float], b: list[float]) -> float:
    """Median over rounds of a[i] / b[i] (the same-round ratio, not a ratio of medians)."""
    ratios = [x / y for x, y in zip(a, b, strict=False) if y]
    return statistics.median(ratios) if ratios else float("nan")


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; nan for no values."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)
