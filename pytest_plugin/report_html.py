"""`--mockserver-report report.html`: the inspector's view as one static file, for CI artifacts.

    write_html(path, reports, failures, seed)
      matrix     every resilience report of the run as one table: faults x clients (one
                 column per `resilience()` call), each cell an outcome coloured by its kind
      tests      each failing test that used the fixture: its failure, its transcript, and
                 its requests with their wire timelines (measured: the session's server
                 records op times when this report is asked for)

The page is the live inspector's (mockserver/transport/inspector/page.py) with this data built
in: the same list, filters and timelines, no server and no network. A `<noscript>` copy of
the matrix and the transcripts keeps the essentials readable where a CI viewer blocks
scripts. Failures travel from xdist workers as plain dicts on their reports
(`report.mockserver_failure`), like the resilience reports.
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

__all__ = ["failure_data", "matrix_data", "render_html", "write_html"]

#: characters of a failure's text kept (its end: the assertion and the last frames)
_MESSAGE_LIMIT = 6000


def failure_data(nodeid: str, when: str, longrepr: str, *, lane: str, entries: list[Any],
                 transcript: str) -> dict[str, Any]:
    """What the report shows of one failing test (plain data, so xdist can carry it): its
    failure, its transcript, and its lane's journal `entries` with their timelines."""
    from mockserver.transport.inspector.timeline import describe_entry

    requests = []
    for n, entry in enumerate(entries, 1):
        data = describe_entry(entry)
        data.update(key=f"{nodeid}#{n}", test=nodeid)
        requests.append(data)
    message = longrepr if len(longrepr) <= _MESSAGE_LIMIT else "..." + longrepr[-_MESSAGE_LIMIT:]
    return {"nodeid": nodeid, "when": when, "lane": lane, "message": message,
            "transcript": transcript, "requests": requests}


def matrix_data(reports: list[Any]) -> dict[str, Any]:
    """Faults x clients: `{"clients": [...], "faults": [...], "cells": {fault: {client: cell}}}`."""
    clients: list[str] = []
    faults: list[str] = []
    cells: dict[str, dict[str, dict[str, str]]] = {}
    for report in reports:
        client, k = report.title, 2
        while client in clients:  # the same client twice in one test: keep both columns
            client, k = f"{report.title} #{k}", k + 1
        clients.append(client)
        for row in report.rows:
            if row.fault not in cells:
                faults.append(row.fault)
                cells[row.fault] = {}
            cells[row.fault][client] = {"outcome": row.outcome, "kind": row.kind,
                                        "detail": row.detail}
    return {"clients": clients, "faults": faults, "cells": cells}


def _noscript(matrix: dict[str, Any], tests: list[dict[str, Any]]) -> str:
    """The matrix and the transcripts as plain HTML, for viewers that run no script."""
    esc = html.escape
    parts = ["<h2>Resilience matrix</h2>"]
    if matrix["clients"]:
        head = "".join(f"<th>{esc(c)}</th>" for c in matrix["clients"])
        parts.append(f"<table class='matrix'><tr><th>fault</th>{head}</tr>")
        for fault in matrix["faults"]:
            row = matrix["cells"][fault]
            cells = "".join(
                f"<td class='{esc(row[c]['kind'])}'>{esc(row[c]['outcome'])}</td>" if c in row
                else "<td class='missing'>-</td>" for c in matrix["clients"])
            parts.append(f"<tr><th>{esc(fault)}</th>{cells}</tr>")
        parts.append("</table>")
    parts.append("<h2>Failing tests</h2>")
    for test in tests:
        parts.append(f"<h3>{esc(test['nodeid'])}</h3><pre>{esc(test['message'])}</pre>"
                     f"<pre>{esc(test['transcript'])}</pre>")
    return "".join(parts)


def render_html(reports: list[Any], failures: list[dict[str, Any]], *, seed: int = 0) -> str:
    from mockserver.transport.inspector.page import render_page

    matrix = matrix_data(reports)
    tests = [{k: v for k, v in f.items() if k != "requests"} | {"requests": len(f["requests"])}
             for f in failures]
    data = {
        "mode": "report", "seed": seed, "matrix": matrix, "tests": tests,
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "requests": [request for f in failures for request in f["requests"]],
    }
    return render_page(data, title=f"mockserver report (seed {seed})",
                       noscript=_noscript(matrix, failures))


def write_html(path: Path, reports: list[Any], failures: list[dict[str, Any]], *,
               seed: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(reports, failures, seed=seed), encoding="utf-8")
