"""Result rows, the printed table and the JSON file: one shape for every benchmark.

Each benchmark returns a list of `Row`s: one figure of ours next to one baseline measured in
the same run, their median same-round ratio, and the target it is held to (if any).
"""

from __future__ import annotations

import json
import math
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Row", "machine", "render_table", "write_json", "fmt"]


@dataclass
class Row:
    """One comparison: `ours` vs `base` (named `baseline`), ratio = median of per-round ours/base.

    `better` says which direction wins ("higher" for throughput, "lower" for ms and MB);
    `met` is True/False when a target applies and None when it does not (or ours is missing).
    `stack` names the stack both sides ran on (`fast`: httptools + uvloop, `h11`: h11 +
    asyncio; see common.STACKS), empty when the figure does not depend on it.
    """

    bench: str
    metric: str
    unit: str
    ours: float | None
    baseline: str = ""
    base: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    better: str = "higher"
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    stack: str = ""


def fmt(x: float | None, unit: str = "") -> str:
    """Short human form: 1.23M, 45.6k, 3.21, 0.123; '-' for missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    a = abs(x)
    if a >= 1e6:
        s = f"{x / 1e6:.2f}M"
    elif a >= 1e4:
        s = f"{x / 1e3:.1f}k"
    elif a >= 100:
        s = f"{x:.0f}"
    elif a >= 1:
        s = f"{x:.2f}"
    else:
        s = f"{x:.3f}"
    return f"{s} {unit}".rstrip()


def render_table(rows: list[Row]) -> str:
    """A fixed-width table: bench, stack, metric, ours, baseline, ratio, target, met."""
    head = ["bench", "stack", "metric", "ours", "baseline", "ratio", "target", "met"]
    body = []
    for r in rows:
        met = {True: "yes", False: "NO", None: ""}[r.met]
        base = f"{fmt(r.base, r.unit)} ({r.baseline})" if r.baseline else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None and not math.isnan(r.ratio) else ""
        body.append([r.bench, r.stack, r.metric, fmt(r.ours, r.unit), base, ratio, r.target,
                     met])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*head), line.format(*("-" * w for w in widths))]
    out += [line.format(*row) for row in body]
    notes = [f"  [{r.bench}{' ' + r.stack if r.stack else ''}] {r.metric}: {r.note}"
             for r in rows if r.note]
    return "\n".join(out + (["", "notes:"] + notes if notes else []))


def machine() -> dict[str, object]:
    """Where the figures come from: cores, CPU model, Python, OS, git commit."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, cwd=Path(__file__).parent, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": sys.version.split()[0],
            "platform": platform.platform(), "commit": commit,
            "date": time.strftime("%Y-%m-%d %H:%M:%S"), "versions": versions()}


def versions() -> dict[str, str]:
    """Installed versions of what the figures depend on (the server stack and the clients)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("uvicorn", "starlette", "httptools", "uvloop", "h11", "websockets", "openai",
                 "httpx2", "respx", "hypothesis"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


def write_json(path: Path, rows: list[Row], meta: dict[str, object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "rows": [asdict(r) for r in rows]}, indent=1,
                               default=str))
    return path
