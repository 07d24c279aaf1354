"""Smoke test: the proxy benchmark (`benchmarks/bench_proxy.py`) runs end to end.

No timing is asserted (figures move with the machine): only that `run.py --smoke --only proxy`
starts an upstream and a proxy in their own processes, measures both, stops them, and writes
rows that carry the proxy's added milliseconds next to the direct figure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_proxy_benchmark_smoke_writes_the_added_milliseconds(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke", "--only", "proxy",
         "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    rows = [r for r in json.loads(out.read_text())["rows"] if r["bench"] == "proxy"]
    assert [r["metric"].split(",")[0] for r in rows] == [
        "ms added before the first byte", "ms added before the first event"] * 2
    for row in rows:
        assert row["ours"] is not None and row["base"] and row["base"] > 0, row
