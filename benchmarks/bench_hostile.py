"""(9) Hostile input and bounded state (SPEC 8): the long fuzz run and the memory bounds.

    fuzz     >= 10,000 hostile inputs (tests/hostile/hostile_inputs.py, the strategies of the
             property suite, drawn by Hypothesis without shrinking): requests to every API
             route, admin calls (YAML bombs among them), WebSocket sessions on the three
             endpoints, against one `mockserver serve` process. Counted: tried, unintended
             5xx, hangs (no answer within 10 s), drops (a connection cut that nothing asked
             for, or a WebSocket closed without a close frame), journals that are not strict
             JSON; RSS of the server before and after.
    lanes    5,000 lanes x 4 requests, then `POST /_mock/reset`: RSS after each.
    bodies   200 requests with bodies of ~1 MB on one lane: RSS after.
    bombs    the time to the 422 of a billion-laughs YAML, a flow bomb of 100,000 `[` and a
             flat list of 250,000 items (past the admin API's 10,000-node budget), each
             posted 5 times (median; target < 100 ms).

Baseline in the same run: the idle RSS of bare Starlette on uvicorn (the floor any server on
this stack pays), and our own RSS before each load. Targets: 0 unintended 5xx, 0 hangs, 0
drops, 0 bad journals; RSS growth within the journal's caps (64 MiB in total, 16 MiB per
lane) plus 32 MB; after a reset, within 16 MB of where the lanes started.

    python benchmarks/bench_hostile.py [--quick | --smoke] [--inputs N]   (or via run.py)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hostile"))
from bench_memory import rss  # noqa: E402
from common import spawn_bare, spawn_ours  # noqa: E402
from report import Row  # noqa: E402

__all__ = ["run", "fuzz", "lanes_and_reset", "big_bodies", "bombs"]

SIZES = {  # inputs (http, admin, ws), lanes, bodies
    "full": ((7000, 2000, 1000), 5000, 200),
    "quick": ((200, 60, 40), 500, 20),
    "smoke": ((60, 20, 10), 50, 4),
}
JOURNAL_CAP_MB = 64.0
LANE_CAP_MB = 16.0


def fuzz(port: int, counts: tuple[int, int, int], pid: int) -> dict[str, Any]:
    """Send hostile inputs; return the tally, the first few failures and RSS before/after."""
    from hostile_inputs import admin_inputs, http_inputs, send_http, send_ws, ws_inputs
    from hypothesis import HealthCheck, Phase, given, settings

    base = f"http://127.0.0.1:{port}"
    tally: Counter[str] = Counter()
    failures: list[str] = []
    lanes = tuple(f"fz{i}" for i in range(64))
    before = rss(pid)
    started = time.monotonic()

    def record(verdict: Any) -> None:
        tally["tried"] += 1
        tally[verdict.kind] += 1
        if not verdict.ok and len(failures) < 20:
            failures.append(f"{verdict.kind}: {verdict.detail}"[:400])

    def drive(strategy: Any, examples: int, send: Callable[[Any], Any]) -> None:
        @settings(max_examples=examples, phases=[Phase.generate], database=None,
                  deadline=None, suppress_health_check=list(HealthCheck))
        @given(item=strategy)
        def one(item: Any) -> None:
            record(send(item))

        one()

    with httpx.Client(timeout=10) as client:
        drive(http_inputs(lanes=lanes), counts[0], lambda i: send_http(client, base, i))
        drive(admin_inputs(lanes=lanes), counts[1],
              lambda i: send_http(client, base, i, admin=True))
        drive(ws_inputs(lanes=lanes), counts[2], lambda i: send_ws(port, client, i))
        alive = client.get(f"{base}/_mock/health").status_code == 200
    return {"tally": dict(tally), "failures": failures, "rss_before": before,
            "rss_after": rss(pid), "seconds": round(time.monotonic() - started, 1),
            "alive": alive}


def _chat(client: httpx.Client, url: str, content: bytes) -> None:
    body = b'{"model":"gpt-4.1","messages":[{"role":"user","content":"' + content + b'"}]}'
    reply = client.post(url, content=body, headers={"content-type": "application/json"})
    if reply.status_code != 200:
        raise RuntimeError(f"{url}: {reply.status_code} {reply.text[:200]}")


def lanes_and_reset(port: int, pid: int, lanes: int) -> dict[str, float]:
    """RSS before, after `lanes` lanes x 4 requests and after `POST /_mock/reset`, twice
    (the second round shows whether the memory is reused or grows again)."""
    base = f"http://127.0.0.1:{port}"
    out = {"before": rss(pid)}
    with httpx.Client(timeout=10) as client:
        for round_ in ("", "_2"):
            for i in range(lanes):
                for _ in range(4):
                    _chat(client, f"{base}/lane/l{i}{round_}/v1/chat/completions", b"hello there")
            out["after_lanes" + round_] = rss(pid)
            client.post(f"{base}/_mock/reset").raise_for_status()
            time.sleep(0.5)
            out["after_reset" + round_] = rss(pid)
    return out


def big_bodies(port: int, pid: int, count: int) -> dict[str, float]:
    """RSS before and after `count` requests of ~1 MB bodies on one lane (the API's limit is
    1 MiB), and the journal's eviction count."""
    base = f"http://127.0.0.1:{port}"
    before = rss(pid)
    words = b"lorem ipsum " * (1_000_000 // 12)
    with httpx.Client(timeout=30) as client:
        for _ in range(count):
            _chat(client, f"{base}/lane/big/v1/chat/completions", words)
        evicted = client.get(f"{base}/_mock/journal", params={"lane": "big"}).json()["evicted"]
    return {"before": before, "after": rss(pid), "evicted": float(evicted)}


def _laughs() -> bytes:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return ("response:\n  tool_calls:\n    - name: f\n      arguments:\n"
            + "".join(f"        {line}\n" for line in lines)).encode()


def bombs(port: int) -> dict[str, float]:
    """Median ms to the 422 of each YAML bomb (5 posts each)."""
    url = f"http://127.0.0.1:{port}/_mock/scenarios"
    docs = {"laughs": _laughs(), "flow": b"[" * 100_000,
            "nodes": b"- [" + b", ".join([b"x"] * 250_000) + b"]"}
    out = {}
    with httpx.Client(timeout=30, headers={"content-type": "application/yaml"}) as client:
        for name, doc in docs.items():
            times = []
            for _ in range(5):
                started = time.perf_counter()
                reply = client.post(url, content=doc)
                times.append((time.perf_counter() - started) * 1000)
                if reply.status_code != 422:
                    raise RuntimeError(f"{name}: {reply.status_code} {reply.text[:200]}")
            out[name] = sorted(times)[2]
    return out


def measure(mode: str, inputs: int | None = None) -> dict[str, Any]:
    counts, n_lanes, n_bodies = SIZES[mode]
    if inputs:
        total = sum(counts)
        counts = tuple(max(1, round(inputs * c / total)) for c in counts)  # type: ignore[assignment]
    bare = spawn_bare("starlette")
    try:
        bare_idle = rss(bare.pid, samples=9)
    finally:
        bare.stop()
    figures: dict[str, Any] = {"bare_idle": bare_idle}
    for name, job in (("fuzz", lambda p: fuzz(p.port, counts, p.pid)),
                      ("lanes", lambda p: lanes_and_reset(p.port, p.pid, n_lanes)),
                      ("bodies", lambda p: big_bodies(p.port, p.pid, n_bodies)),
                      ("bombs", lambda p: bombs(p.port))):
        server = spawn_ours("--quiet")  # a fresh process per load: each RSS is its own
        try:
            figures[name] = job(server)
        finally:
            server.stop()
    figures["sizes"] = {"inputs": counts, "lanes": n_lanes, "bodies": n_bodies}
    return figures


def rows(f: dict[str, Any]) -> list[Row]:
    tally, bare = f["fuzz"]["tally"], f["bare_idle"]
    fz, lanes, bodies = f["fuzz"], f["lanes"], f["bodies"]
    n_http, n_admin, n_ws = f["sizes"]["inputs"]
    bad = {k: tally.get(k, 0) for k in ("5xx", "hang", "drop", "no close frame", "journal")}
    growth = fz["rss_after"] - fz["rss_before"]
    lane_growth = lanes["after_lanes"] - lanes["before"]
    reset_left = lanes["after_reset"] - lanes["before"]
    body_growth = bodies["after"] - bodies["before"]
    note = "; ".join(fz["failures"][:3])

    def count(metric: str, value: int) -> Row:
        return Row("hostile", metric, "", float(value), target="0", met=value == 0,
                   better="lower", note=note if value else "")

    return [
        Row("hostile", f"inputs tried ({n_http} API, {n_admin} admin, {n_ws} WebSocket drawn)",
            "", float(tally.get("tried", 0)), note=f"{fz['seconds']} s; server answering after:"
            f" {fz['alive']}", extra={"tally": tally, "failures": fz["failures"]}),
        count("unintended 5xx", bad["5xx"]),
        count("hangs (no answer in 10 s)", bad["hang"]),
        count("drops (cut without a reason or a close frame)", bad["drop"] + bad["no close frame"]),
        count("journal not strict JSON", bad["journal"]),
        Row("hostile", "RSS before -> after the fuzz run", "MB", fz["rss_after"],
            "bare Starlette idle", bare, fz["rss_after"] / bare,
            f"growth <= {JOURNAL_CAP_MB + 32:.0f}", growth <= JOURNAL_CAP_MB + 32, "lower",
            f"before {fz['rss_before']:.1f} MB"),
        Row("hostile", f"RSS after {f['sizes']['lanes']:,} lanes x 4 requests", "MB",
            lanes["after_lanes"], "ours before", lanes["before"],
            lanes["after_lanes"] / lanes["before"], f"growth <= {JOURNAL_CAP_MB + 32:.0f}",
            lane_growth <= JOURNAL_CAP_MB + 32, "lower"),
        Row("hostile", "RSS after POST /_mock/reset", "MB", lanes["after_reset"], "ours before",
            lanes["before"], lanes["after_reset"] / lanes["before"], "<= before + 16",
            reset_left <= 16, "lower"),
        Row("hostile", "RSS after a second round of lanes, then reset", "MB",
            lanes["after_reset_2"], "after the first reset", lanes["after_reset"],
            lanes["after_reset_2"] / lanes["after_reset"], "<= first + 4 (reused, no growth)",
            lanes["after_reset_2"] <= lanes["after_reset"] + 4, "lower",
            f"peak {lanes['after_lanes_2']:.1f} MB"),
        Row("hostile", f"RSS after {f['sizes']['bodies']} bodies of ~1 MB on one lane", "MB",
            bodies["after"], "ours before", bodies["before"], bodies["after"] / bodies["before"],
            f"growth <= {LANE_CAP_MB + 32:.0f}", body_growth <= LANE_CAP_MB + 32, "lower",
            f"{bodies['evicted']:.0f} entries evicted"),
        *[Row("hostile", f"ms to the 422 of a YAML bomb: {name}", "ms", ms, target="< 100",
              met=ms < 100, better="lower") for name, ms in f["bombs"].items()],
    ]


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    mode = "smoke" if getattr(ctx, "smoke", False) else "quick" if ctx.quick else "full"
    if not ctx.ours:
        return [Row("hostile", "not available yet", "", None)]
    figures = measure(mode)
    ctx.say(json.dumps({k: v for k, v in figures.items() if k != "fuzz"}))
    ctx.say(f"fuzz: {figures['fuzz']['tally']} in {figures['fuzz']['seconds']} s")
    return rows(figures)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--inputs", type=int, default=0, help="total fuzz inputs (default by mode)")
    args = ap.parse_args()
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    figures = measure(mode, args.inputs or None)
    for row in rows(figures):
        print(f"{row.metric:62} {row.ours!s:>10} {row.unit:3} {row.note}")
    print(json.dumps(figures, default=str))
    bad = sum(figures["fuzz"]["tally"].get(k, 0) for k in ("5xx", "hang", "drop",
                                                            "no close frame", "journal"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
