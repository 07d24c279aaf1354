"""Smoke test: the benchmark command runs end to end and writes its table and JSON.

No timing is asserted (figures move with the machine); only that `benchmarks/run.py --smoke`
(the `--quick` code path with the tiniest sizes and one round)
starts our server and its baselines in their own processes, measures, stops them, prints the
table and writes a JSON file whose rows carry our figure next to a baseline. One benchmark
(SSE throughput) keeps it well under 20 seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_benchmark_command_smoke_sse_writes_table_and_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke", "--only", "sse",
         "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "bare Starlette" in proc.stdout and "raw asyncio" in proc.stdout
    data = json.loads(out.read_text())
    assert data["meta"]["nproc"] >= 1 and data["meta"]["quick"] is True
    rows = [r for r in data["rows"] if r["bench"] == "sse"]
    assert rows, data
    for row in rows:
        assert row["ours"] and row["ours"] > 0, row
        assert row["base"] and row["base"] > 0, row
        assert row["ratio"] and row["ratio"] > 0, row
