"""(2) WebSocket messages/s: one connection and 100 connections, vs a bare `websockets` server
and a bare Starlette WebSocket endpoint on uvicorn, in the same run.

Ours speaks the simple chat protocol (SPEC 2.1, `/v1/ws/chat`): auth, one message, then the
scripted chunks (`chunks: ["tok"] * n` on a lane) and `done`. The baselines read one message
and answer with n text frames of the same JSON shape plus `done`. The raw-socket client
(loadclient.py, mode `ws`) counts text frames; it sends no compression offer, so no server
compresses. Target: ours >= 1.0x the bare `websockets` server. Until ours serves WebSocket,
only the baselines are measured. Each stack in turn: ours and bare Starlette WS on
httptools + uvloop with bare `websockets` on uvloop, then on h11 + asyncio with `websockets`
on asyncio's loop.

Standalone: `python benchmarks/bench_ws.py [--quick]` runs the same workloads and prints one
JSON line, `{"bench": "ws", "workloads": {label: {"ours", "bare_websockets",
"bare_starlette", "ratio"}}, "rows": [...]}` (the `rows` shape run.py's `external` reads).
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from admin import enqueue
from common import BENCH_DIR, PY, median_ratio, rounds, spawn_bare, spawn_ours
from loadclient import ws_handshake
from report import Row

__all__ = ["run", "main"]


def ws_load(port: int, path: str, streams: int, expect: int, messages: list[str]) -> dict:
    argv = [PY, str(BENCH_DIR / "loadclient.py"), "ws", "--port", str(port), "--path", path,
            "--streams", str(streams), "--expect", str(expect), "--timeout", "120"]
    for m in messages:
        argv += ["--message", m]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=150)
    if out.returncode:
        raise RuntimeError(f"ws load client failed: {out.stderr[-600:]}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    if res["errors"]:
        raise RuntimeError(f"{res['errors']} of {streams} ws streams incomplete on port {port}")
    return res


def ours_speaks_ws(port: int, path: str) -> bool:
    """True when `path` on our server completes a WebSocket upgrade."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
            s.sendall(ws_handshake(port, path))
            return b" 101 " in s.recv(4096).split(b"\r\n")[0]
    except OSError:
        return False


def run(ctx) -> list[Row]:  # type: ignore[no-untyped-def]
    rows: list[Row] = []
    for stack in ctx.stacks:
        rows += run_stack(ctx, stack)
    return rows


def run_stack(ctx, stack: str) -> list[Row]:  # type: ignore[no-untyped-def]
    loads = [("1 conn x 10k", 1, 10_000), ("100 conns x 100", 100, 100)] if ctx.quick else \
        [("1 conn x 100k", 1, 100_000), ("100 conns x 1k", 100, 1000)]
    procs = [spawn_bare("ws-websockets", stack=stack), spawn_bare("ws-starlette", stack=stack)]
    ours = spawn_ours(stack=stack) if ctx.ours else None
    try:
        ws_ok = ours is not None and ours_speaks_ws(ours.port, "/v1/ws/chat")
        rows: list[Row] = []
        for label, streams, n in loads:
            hello = [json.dumps({"type": "message", "n": n})]
            c = {"websockets": partial(ws_load, procs[0].port, "/", streams, n + 1, hello),
                 "starlette": partial(ws_load, procs[1].port, "/", streams, n + 1, hello)}
            if ws_ok:
                lane = f"ws{n}"
                enqueue(ours.port, {"response": {"chunks": ["tok"] * n}, "times": "always"},
                        lane=lane)
                msgs = [json.dumps({"type": "auth", "api_key": "test"}),
                        json.dumps({"type": "message", "model": "gpt-4.1", "content": "hi",
                                    "stream": True})]
                c["ours"] = partial(ws_load, ours.port, f"/lane/{lane}/v1/ws/chat", streams,
                                    n + 2, msgs)
            res = rounds(ctx.rounds, {k: (lambda f=f: float(f()["events_per_s"]))
                                      for k, f in c.items()})
            med = {k: sorted(v)[len(v) // 2] for k, v in res.items()}
            o = med.get("ours")
            note = "" if ws_ok else "ours: /v1/ws/chat not served; baselines only"
            for base, name in (("websockets", "bare websockets"),
                               ("starlette", "bare Starlette WS")):
                ratio = median_ratio(res["ours"], res[base]) if o else None
                tgt = base == "websockets"
                rows.append(Row("ws", f"msgs/s, {label}", "msg/s", o, name, med[base], ratio,
                                ">= 1.0x" if tgt else "",
                                (ratio >= 1.0 if ratio is not None else None) if tgt else None,
                                note=note if tgt else "", extra={"rounds": res}, stack=stack))
            ctx.say(f"{stack} {label}: " + ", ".join(f"{k} {v:,.0f} msg/s"
                                                      for k, v in med.items()))
        return rows
    finally:
        for p in procs + ([ours] if ours else []):
            p.stop()


class _Ctx:
    """The part of run.py's context this benchmark reads, for standalone runs."""

    def __init__(self, quick: bool, results: Path) -> None:
        from common import STACKS

        self.quick, self.results, self.ours, self.smoke = quick, results, True, False
        self.rounds = 3 if quick else 5
        self.stacks = list(STACKS)

    def say(self, msg: str) -> None:
        print(f"  {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run standalone; print one JSON line with both contenders side by side."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, well under a minute")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-ws-") as folder:
        rows = run(_Ctx(args.quick, Path(folder)))
    side: dict[str, dict[str, object]] = {}
    for r in rows:
        label = f"{r.metric.split(', ', 1)[1]} [{r.stack}]"
        key = "bare_websockets" if r.baseline == "bare websockets" else "bare_starlette"
        side.setdefault(label, {"ours": r.ours})[key] = r.base
        if key == "bare_websockets":
            side[label]["ratio"] = r.ratio
    out = {"bench": "ws", "workloads": side, "rows": [
        {k: v for k, v in vars(r).items() if k not in ("bench", "extra")} for r in rows]}
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
