"""Generate the docs from docs/client-outcomes.json: the outcome tables of docs/clients.md and
the measured part of the README fault table's "what the client observes" column.

    docs/clients.md   between <!-- outcomes:start --> and <!-- outcomes:end -->: versions, an
                      overview (case x client) and one detailed table per client
    README.md         between <!-- faults:start --> and <!-- faults:end -->: each fault's
                      docstring symptom (mockserver.cli.table) followed by
                      "Measured: <client> <version>: <outcome> · ..." for README_CLIENTS
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mockserver.cli.table import markdown_table, replace_block

from . import matrix
from .store import client_version

__all__ = ["clients_block", "readme_observed", "readme_table", "render_files", "START", "END",
           "CLIENTS_MD", "README_MD"]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS_MD = ROOT / "docs" / "clients.md"
README_MD = ROOT / "README.md"
START = "<!-- outcomes:start -->"
END = "<!-- outcomes:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _short(outcome: str) -> str:
    """Overview cell: the exception class without its module; emphasis on silent failures."""
    if outcome.startswith("raised "):
        return outcome[len("raised "):].rsplit(".", 1)[-1]
    if outcome in ("silent_truncation", "wrong_text"):
        return f"**{outcome}**"
    if outcome == "n/a":
        return "–"
    if outcome.startswith("skipped"):
        return "skipped"
    return outcome


def _versions(report: dict[str, Any]) -> list[str]:
    lines = ["| client | what runs | versions |", "|---|---|---|"]
    for info in report["clients"].values():
        versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items()) or "-"
        if info.get("skipped"):
            versions += f" (skipped: {info['skipped']})"
        lines.append(f"| {info['label']} | {info['runner']}, {info['protocol']} | {versions} |")
    return lines


def clients_block(report: dict[str, Any]) -> str:
    """The generated part of docs/clients.md."""
    platform = report["platform"]
    settings = report["settings"]
    out = [
        f"Measured {report['date']} with `{report['generated_by']}` "
        f"({report['environment']} versions; Python {platform.get('python')}, "
        f"Node {platform.get('node', '-')}, {platform.get('system')}; mockserver on "
        f"{platform.get('server_stack', 'h11 + asyncio')}). Every client: no "
        f"retries, its own timeout option at {settings['client_timeout_s']:g} s where it has "
        f"one; `hang` = nothing within {settings['deadline_s']:g} s (EventSource: "
        f"{settings['deadline_s'] + settings['reconnect_allowance_s']:g} s); faults that hold "
        f"the connection hold it {settings['hold_s']:g} s.",
        "",
        *_versions(report),
        "",
        "### Overview",
        "",
    ]
    clients = list(report["clients"])
    labels = [report["clients"][c]["label"] for c in clients]
    out.append("| case | " + " | ".join(labels) + " |")
    out.append("|---" * (len(clients) + 1) + "|")
    for case in report["cases"]:
        cells = [" / ".join(_short(o) for o in report["outcomes"][c][case["spec"]]["outcomes"])
                 for c in clients]
        out.append(f"| `{_cell(case['spec'])}` | " + " | ".join(cells) + " |")
    for client in clients:
        info = report["clients"][client]
        out += ["", f"### {info['label']} {client_version(report, client)}", "",
                "| case | outcome | detail |", "|---|---|---|"]
        for case in report["cases"]:
            cell = report["outcomes"][client][case["spec"]]
            if cell["outcomes"] == ["n/a"] and case["layer"] == "ws" or (
                    info["protocol"] == "ws" and case["layer"] != "ws" and case["fault"]):
                continue  # the other transport's faults: listed once, in the overview
            outcome = " / ".join(cell["outcomes"])
            out.append(f"| `{_cell(case['spec'])}` | {_cell(outcome)} | "
                       f"{_cell(cell.get('detail') or '')} |")
    return "\n".join(out)


def readme_observed(report: dict[str, Any]) -> dict[str, str]:
    """fault name -> "Measured: openai-python 3.63.0: raised ... · ..." for the README."""
    observed = {}
    for case in report["cases"]:
        if not case["canonical"]:
            continue
        parts = []
        for client in matrix.README_CLIENTS:
            cell = report["outcomes"].get(client, {}).get(case["spec"])
            if cell is None or cell["outcomes"] == ["n/a"]:
                continue
            label = f"{report['clients'][client]['label']} {client_version(report, client)}"
            parts.append(f"{label}: {' / '.join(cell['outcomes'])}")
        if parts:
            observed[case["fault"]] = f"Measured (`{case['spec']}`): " + " · ".join(parts) + "."
    return observed


def readme_table(report: dict[str, Any]) -> str:
    return markdown_table(observed=readme_observed(report))


def _replace(text: str, block: str) -> str:
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"docs/clients.md needs the markers {START} and {END} (in that order)")
    return f"{text[: start + len(START)]}\n{block}\n{text[end:]}"


def render_files(report: dict[str, Any], *, write: bool = True) -> list[Path]:
    """Regenerate both blocks; return the files whose text changes (written when `write`)."""
    changed = []
    for path in (CLIENTS_MD, README_MD):
        text = path.read_text("utf-8")
        if path == CLIENTS_MD:
            new = _replace(text, clients_block(report))
        else:
            new = replace_block(text, readme_table(report))
        if new != text:
            changed.append(path)
            if write:
                path.write_text(new, "utf-8")
    return changed
