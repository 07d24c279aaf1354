"""The committed client outcomes (docs/client-outcomes.json, docs/clients.md, the README fault
table's measured part) agree with a fresh measurement of the pinned clients.

Why a test: the claims about what each client does are generated from measurement; when a
pinned client, Chromium or mockserver itself changes behaviour, this fails with the cells
that moved and the command that regenerates them (`python -m tools.outcomes measure`). It
runs the whole matrix (18 clients, every fault) over real sockets against a real
mockserver, as a subprocess bounded in time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 420

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.node]


def test_committed_client_outcomes_match_a_fresh_measurement() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tools.outcomes", "check"], cwd=ROOT, capture_output=True,
        text=True, timeout=TIMEOUT_S, check=False,
    )
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr[-3000:]}"
    assert "client outcomes agree" in proc.stdout
