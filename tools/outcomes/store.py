"""The committed outcome file and how two measurements compare.

    docs/client-outcomes.json
      generated_by, date, environment, platform {python, node, system, server_stack}, settings {...}
      clients   {name: {label, protocol, runner, versions {package: version}, skipped}}
      cases     [{spec, fault, layer, canonical}]
      outcomes  {client: {spec: {outcomes: [outcome, ...], detail}}}

`outcomes` is a list because some outcomes race (a reset against a read in flight): a
measurement with `--runs N` keeps every outcome it saw, and a fresh run agrees with the file
when its outcome is one of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["OUTCOMES_JSON", "load", "save", "merge", "differences", "client_version"]

OUTCOMES_JSON = Path(__file__).resolve().parents[2] / "docs" / "client-outcomes.json"


def load(path: Path = OUTCOMES_JSON) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def save(report: dict[str, Any], path: Path = OUTCOMES_JSON) -> None:
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")


def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One report from several runs of the same matrix: every outcome seen, in a stable order."""
    merged: dict[str, Any] = json.loads(json.dumps(runs[0]))
    for run in runs[1:]:
        for client, cells in run["outcomes"].items():
            for spec, cell in cells.items():
                seen = merged["outcomes"][client][spec]["outcomes"]
                for outcome in cell["outcomes"]:
                    if outcome not in seen:
                        seen.append(outcome)
    for cells in merged["outcomes"].values():
        for cell in cells.values():
            cell["outcomes"].sort()
    return merged


def client_version(report: dict[str, Any], client: str) -> str:
    """The client's own version (its first recorded package), e.g. `3.63.0`."""
    versions = report["clients"][client]["versions"]
    return next(iter(versions.values()), "?") if versions else "?"


def _label(report: dict[str, Any], client: str) -> str:
    return f"{report['clients'][client]['label']} {client_version(report, client)}"


def differences(committed: dict[str, Any], fresh: dict[str, Any], *,
                only: str | None = None) -> list[str]:
    """Human-readable lines where `fresh` disagrees with `committed` (empty: they agree);
    only about the client `only` when given."""
    out = []
    names = sorted(set(committed["outcomes"]) | set(fresh["outcomes"]))
    for client in [only] if only else names:
        if client not in fresh["outcomes"] or client not in committed["outcomes"]:
            where = "committed" if client not in fresh["outcomes"] else "fresh run"
            out.append(f"{client}: only in the {where} table")
            continue
        old_v = committed["clients"][client]["versions"]
        new_v = fresh["clients"][client]["versions"]
        if old_v != new_v:
            out.append(f"{client}: versions {old_v} -> {new_v}")
        old_cells, new_cells = committed["outcomes"][client], fresh["outcomes"][client]
        for spec in list(old_cells) + [s for s in new_cells if s not in old_cells]:
            old, new = old_cells.get(spec), new_cells.get(spec)
            if old is None or new is None:
                where = "fresh run" if old is None else "committed table"
                out.append(f"{client}: {spec}: only in the {where}")
                continue
            if not set(new["outcomes"]) <= set(old["outcomes"]):
                was = " / ".join(old["outcomes"])
                now = " / ".join(new["outcomes"])
                detail = f" ({new['detail']})" if new.get("detail") else ""
                out.append(f"{_label(committed, client)}: {spec} {was} -> "
                           f"{_label(fresh, client)}: {now}{detail}")
    return out
