"""Resilience reports: one per `mockserver.resilience(...)` call, and their renderings.

    ResilienceReport(test, expected, rows=[Row(fault, layer, outcome, detail, requests)])
      .assert_no_silent_failures()   AssertionError naming every silent_truncation row
      .to_markdown() / .to_dict()    one table; the session summary and --mockserver-report
                                     use the same renderings for every report of the run

Reports travel from xdist workers to the controller as plain dicts on the test report
(`report.mockserver_resilience`), so the terminal summary and the report file see them all.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Row", "ResilienceReport", "render_markdown", "render_json", "write_report", "terminal_lines",
]

OUTCOMES = ("ok", "raised", "silent_truncation", "hang")


@dataclass(frozen=True)
class Row:
    """How the client fared against one fault."""

    fault: str
    layer: str
    outcome: str
    detail: str = ""
    requests: int = 0

    @property
    def kind(self) -> str:
        """The outcome without the exception name: ok, raised, silent_truncation or hang."""
        return self.outcome.split(" ", 1)[0]


@dataclass
class ResilienceReport:
    """The resilience matrix of one client in one test."""

    test: str
    rows: list[Row] = field(default_factory=list)
    expected: str = ""
    client: str = ""

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, fault: str) -> Row:
        """The row of a fault, by its spec (`report["missing_done"]`) or bare name."""
        for row in self.rows:
            if row.fault == fault or row.fault.split("(", 1)[0] == fault:
                return row
        raise KeyError(f"no row for fault {fault!r}; faults: {[r.fault for r in self.rows]}")

    def outcomes(self) -> dict[str, str]:
        """fault spec -> outcome."""
        return {row.fault: row.outcome for row in self.rows}

    def by_kind(self, kind: str) -> list[Row]:
        return [row for row in self.rows if row.kind == kind]

    def summary(self) -> str:
        counts = Counter(row.kind for row in self.rows)
        return ", ".join(f"{counts[k]} {k}" for k in OUTCOMES if counts[k])

    def assert_no_silent_failures(self) -> None:
        """Fail if the client returned wrong text without an error for any fault."""
        silent = self.by_kind("silent_truncation")
        if silent:
            faults = ", ".join(row.fault for row in silent)
            raise AssertionError(
                f"the client returned wrong text without raising under {len(silent)} fault(s): "
                f"{faults}\n\n{self.to_markdown()}"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"test": self.test, "client": self.client, "expected": self.expected,
                "rows": [asdict(row) for row in self.rows]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ResilienceReport:
        return cls(test=data["test"], expected=data.get("expected", ""),
                   client=data.get("client", ""), rows=[Row(**row) for row in data["rows"]])

    @property
    def title(self) -> str:
        return f"{self.test} [{self.client}]" if self.client else self.test

    def to_markdown(self) -> str:
        lines = [
            "| fault | layer | outcome | detail |",
            "|---|---|---|---|",
        ]
        for row in self.rows:
            detail = row.detail.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{row.fault}` | {row.layer} | {row.outcome} | {detail} |")
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"resilience of {self.title}: {self.summary()}\n{self.to_markdown()}"


def render_markdown(reports: Iterable[ResilienceReport]) -> str:
    """Every report of the session, one section per test, for the .md report file."""
    parts = ["# mockserver resilience matrix", ""]
    for report in reports:
        parts += [f"## {report.title}", "", report.summary(), "", report.to_markdown(), ""]
    return "\n".join(parts)


def render_json(reports: Iterable[ResilienceReport], *, seed: int = 0) -> str:
    return json.dumps({"seed": seed, "reports": [r.to_dict() for r in reports]}, indent=2)


def write_report(path: Path, reports: list[ResilienceReport], *, seed: int = 0) -> None:
    """Write the matrix as Markdown or JSON, chosen by the file suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        path.write_text(render_json(reports, seed=seed) + "\n", encoding="utf-8")
    else:
        path.write_text(render_markdown(reports), encoding="utf-8")


def terminal_lines(reports: list[ResilienceReport], width: int = 100) -> list[str]:
    """The plain-text table of the terminal summary."""
    lines = []
    for report in reports:
        lines.append(f"{report.title}: {report.summary()}")
        fault_w = min(40, max(len(r.fault) for r in report.rows) if report.rows else 5)
        out_w = max((len(r.outcome) for r in report.rows), default=7)
        for row in report.rows:
            detail = row.detail.replace("\n", " ")
            line = f"  {row.fault:<{fault_w}}  {row.outcome:<{out_w}}  {detail}"
            lines.append(line if len(line) <= width else line[: width - 3] + "...")
    return lines
