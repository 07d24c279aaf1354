"""Run one Python client over the matrix's cases and print what it did, as JSON.

    python tools/outcomes/py_worker.py < job.json > results.json

    job      {"client", "timeout", "deadline", "concurrency", "cases": [{"key", "url"}]}
    results  a line "OUTCOMES_JSON " + {"client", "versions": {dist: version},
             "skipped": reason | null, "results": {key: {"finished", "text", "error",
             "elapsed_ms"}}}

Why a separate process: the drift check runs the same clients under a throwaway interpreter
with the newest releases, so this file imports nothing but the standard library and
`py_clients` beside it. Each case runs in a daemon thread joined for at most `deadline`
seconds; one still running then is left behind (`finished: false`, a hang) and the process
ends with `os._exit` once the JSON is printed, so a hung client never holds the run.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from py_clients import CLIENTS, DISTRIBUTIONS  # type: ignore[import-not-found]  # noqa: E402

__all__ = ["describe_error", "run_case", "main", "MARK"]

#: the result line starts with this: libraries may print to stdout too
MARK = "OUTCOMES_JSON "
WARM_UP_S = 60.0


def _line(text: object, limit: int = 160) -> str:
    lines = str(text).strip().splitlines()
    return lines[0][:limit] if lines else ""


def describe_error(exc: BaseException) -> dict[str, Any]:
    """Class, top-level module, first line of the message, and the cause's class."""
    module = type(exc).__module__.split(".")[0]
    cause = exc.__cause__  # the explicit chain only (`__context__` holds library internals)
    return {
        "type": type(exc).__name__,
        "module": "" if module == "builtins" else module,
        "message": _line(exc),
        "cause": (f"{type(cause).__name__}: {_line(cause, 100)}" if cause is not None else None),
    }


def run_case(client: str, url: str, job: dict[str, Any]) -> dict[str, Any]:
    """One attempt in a daemon thread, waited for at most `job["deadline"]` seconds."""
    out: dict[str, Any] = {"finished": False, "text": None, "error": None}
    driver = CLIENTS[client]

    def attempt() -> None:
        try:
            out["text"] = driver(url, job)
        except BaseException as exc:  # noqa: BLE001 - every exception is a finding
            out["error"] = describe_error(exc)
        out["finished"] = True

    started = time.monotonic()
    thread = threading.Thread(target=attempt, name=f"outcome-{client}", daemon=True)
    thread.start()
    thread.join(job["deadline"])
    out["elapsed_ms"] = round((time.monotonic() - started) * 1000)
    return dict(out)  # a copy: a hung attempt may still write to `out` later


def _versions(client: str) -> tuple[dict[str, str], str | None]:
    versions: dict[str, str] = {}
    for dist in DISTRIBUTIONS[client]:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            if dist == DISTRIBUTIONS[client][0]:
                return versions, f"{dist} is not installed"
    return versions, None


def main() -> int:
    job = json.load(sys.stdin)
    client = job["client"]
    versions, skipped = _versions(client)
    results: dict[str, Any] = {}
    if skipped is None:
        # warm up (imports, SDK set-up) on the first case, the baseline, without a deadline
        # that matters, so start-up costs never turn into a `hang`
        run_case(client, job["cases"][0]["url"], {**job, "deadline": WARM_UP_S})
        with ThreadPoolExecutor(max_workers=job.get("concurrency", 4)) as pool:
            futures = {case["key"]: pool.submit(run_case, client, case["url"], job)
                       for case in job["cases"]}
            results = {key: future.result() for key, future in futures.items()}
    report = {"client": client, "versions": versions, "skipped": skipped, "results": results}
    sys.stdout.write(f"\n{MARK}{json.dumps(report)}\n")
    sys.stdout.flush()
    os._exit(0)  # hung attempts are daemon threads: do not wait for them


if __name__ == "__main__":
    sys.exit(main())
