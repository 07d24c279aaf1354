"""(3) Per-test cost of the pytest fixture vs in-process mocking, in one pytest session.

Runs `pertest_suite/` (see its conftest.py for the contenders) in a fresh pytest process:
each test makes one 20-chunk streamed chat completion through the openai SDK, with the SDK
client made once per session or once per test. Tests are ordered round by round with the
contenders rotated, and a hook times setup + call + teardown of each. Reported: the median
ms per test (round 0, the warm-up, and the last test, which carries session teardown, are
left out), the median same-round ratio to each baseline, and the session start cost (the
first test of each contender minus its median; an untimed warm-up call through
`httpx2.MockTransport` runs before round 0, so no contender's first test pays the openai SDK's
own lazy imports). Target: ours <= respx's ms per test.
The session runs once per stack (ours and the bare uvicorn on it; the in-process contenders
have no stack and are measured again in each session, so every ratio is same-session).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from collections import defaultdict

from common import BENCH_DIR, PY, REPO, STACKS
from report import Row

__all__ = ["run", "BASELINES"]

BASELINES = ["respx", "httpserver", "mocktransport", "uvicorn"]
LABEL = {"respx": "respx", "httpserver": "pytest-httpserver",
         "mocktransport": "httpx2.MockTransport", "uvicorn": "bare uvicorn in thread"}


def session(who: list[str], n_rounds: int, out: str, stack: str = "fast") -> dict:
    """Run the suite once on `stack`; return the JSON the conftest hook wrote."""
    http, loop = STACKS[stack]
    env = {**os.environ, "PERTEST_WHO": ",".join(who), "PERTEST_ROUNDS": str(n_rounds),
           "PERTEST_OUT": out, "PYTHONPATH": str(BENCH_DIR), "MOCKSERVER_HTTP": http,
           "MOCKSERVER_LOOP": loop}
    suite = BENCH_DIR / "pertest_suite"
    proc = subprocess.run([PY, "-m", "pytest", "-c", str(suite / "pytest.ini"), str(suite)],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    if proc.returncode:
        raise RuntimeError(f"per-test suite failed:\n{proc.stdout[-1500:]}")
    with open(out) as f:
        return json.load(f)


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    rows: list[Row] = []
    for stack in ctx.stacks:
        rows += run_stack(ctx, stack)
    return rows


def run_stack(ctx, stack: str) -> list[Row]:  # type: ignore[no-untyped-def]
    who = (["mockserver"] if ctx.ours else []) + BASELINES
    data = session(who, 8 if ctx.quick else 30, str(ctx.results / f"pertest-{stack}.json"),
                   stack)
    by: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    first: dict[str, float] = {}
    for t in data["tests"]:
        first.setdefault(t["who"], t["ms"])
        if t["round"] > 0 and not t["last"]:
            by[(t["who"], t["mode"])][t["round"]] = t["ms"]
    med = {k: statistics.median(v.values()) for k, v in by.items()}
    ours = "mockserver" if ctx.ours else None
    how = "plugin fixture" if data.get("plugin") else "MockServer handle in-thread (no plugin yet)"
    rows: list[Row] = []
    for mode in ("session", "test"):
        for base in BASELINES:
            o = med.get((ours, mode)) if ours else None
            ratio = None
            if ours:
                a, b = by[(ours, mode)], by[(base, mode)]
                ratio = statistics.median(a[r] / b[r] for r in a if r in b)
            is_target = base == "respx"
            rows.append(Row(
                "pertest", f"ms/test, client per {mode}", "ms", o, LABEL[base], med[(base, mode)],
                ratio, "<= 1.0x respx" if is_target else "",
                (ratio <= 1.0 if ratio is not None else None) if is_target else None, "lower",
                how if (is_target and mode == "session") else "", stack=stack))
    start = {w: first[w] - med[(w, "session")] for w in who}
    rows.append(Row("pertest", "session start (1st test surplus)", "ms",
                    start.get("mockserver"), LABEL["uvicorn"], start["uvicorn"],
                    (start["mockserver"] / start["uvicorn"]) if ours else None, "< 60 ms",
                    None if not ours else start["mockserver"] < 60, "lower",
                    extra={"all": start}, stack=stack))
    ctx.say(f"{stack}: " + ", ".join(f"{w}/{m} {v:.2f} ms" for (w, m), v in sorted(med.items())))
    return rows
