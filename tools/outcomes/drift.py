"""The drift check: the newest release of every client in a throwaway environment, the same
matrix, and what changed against the committed table. Never run by CI; never changes a pin.

    <tmp>/venv      python -m venv, then pip install the newest release of each Python client
                    (or the versions given with --pip NAME==VERSION)
    <tmp>/js        package.json with every npm client at `latest` (or --npm NAME@VERSION),
                    npm install, and a copy of tests/js/outcomes_driver.mjs
    then            measure(Environment(python=<tmp>/venv/bin/python, js_dir=<tmp>/js)) and
                    store.differences(committed, fresh), printed one change a line, e.g.
                    `anthropic 2.17.0: close(...) raised httpx2.ReadError ->
                     anthropic 2.18.0: raised anthropic.APIConnectionError`

The browser is Debian's chromium either way (not a registry package); the temp dir is removed
afterwards unless --keep.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .measure import JS_DIR, Environment, measure
from .nodejs import npm_command

__all__ = ["PYTHON_CLIENTS", "NPM_CLIENTS", "make_environment", "drift"]

#: what `pip install` gets in the throwaway venv (newest releases unless pinned with --pip)
PYTHON_CLIENTS = ("openai", "anthropic", "httpx", "httpx-sse", "langchain-openai",
                  "pydantic-ai-slim[openai]", "websockets")
#: the npm packages of tests/js/package.json that the matrix drives
NPM_CLIENTS = ("openai", "@anthropic-ai/sdk", "ai", "@ai-sdk/openai", "zod")
INSTALL_TIMEOUT_S = 900


def _run(args: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(args), file=sys.stderr)
    subprocess.run(args, cwd=cwd, check=True, timeout=INSTALL_TIMEOUT_S)


def _requirement_name(req: str) -> str:
    """`openai` for `openai==3.57.0`, `pydantic-ai-slim` for `pydantic-ai-slim[openai]`."""
    match = re.match(r"[A-Za-z0-9_.-]+", req)
    return (match.group(0) if match else req).lower()


def make_environment(root: Path, pip: Sequence[str] = (), npm: Sequence[str] = ()) -> Environment:
    """Create the throwaway venv and node_modules under `root`; return where they are."""
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    pinned = {_requirement_name(p): p for p in pip}
    wanted = [pinned.pop(_requirement_name(c), c) for c in PYTHON_CLIENTS] + list(pinned.values())
    _run([str(python), "-m", "pip", "install", "-q", "--upgrade", *wanted])
    js = root / "js"
    js.mkdir()
    versions = {name: "latest" for name in NPM_CLIENTS}
    for spec in npm:
        name, _, version = spec.rpartition("@")
        if not name:  # "pkg" without a version
            name, version = spec, "latest"
        versions[name] = version
    package = {"name": "mockserver-drift", "private": True, "type": "module",
               "dependencies": versions}
    (js / "package.json").write_text(json.dumps(package, indent=2), "utf-8")
    _run([*npm_command(), "install", "--silent", "--no-audit", "--no-fund"], cwd=js)
    shutil.copy(JS_DIR / "outcomes_driver.mjs", js / "outcomes_driver.mjs")
    return Environment(python=str(python), js_dir=js, label="newest")


def drift(committed: dict[str, Any], *, pip: Sequence[str] = (), npm: Sequence[str] = (),
          keep: bool = False, only: Sequence[str] = ()) -> tuple[dict[str, Any], Path | None]:
    """Measure the newest (or given) releases; return the fresh report (and the kept dir)."""
    root = Path(tempfile.mkdtemp(prefix="mockserver-drift-"))
    try:
        env = make_environment(root, pip, npm)
        label = "newest" if not (pip or npm) else "given: " + " ".join([*pip, *npm])
        env.label = label
        fresh = measure(env, only=only)
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    return fresh, (root if keep else None)
