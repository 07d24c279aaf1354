"""Session-level collection of resilience reports: terminal summary and `--mockserver-report`
(Markdown or JSON: report.py; HTML, with the failing tests' timelines: report_html.py).

Each test's reports ride on its teardown report (`report.mockserver_resilience`, plain dicts),
which pytest-xdist serializes from the workers to the controller; this collector, registered
in `pytest_configure`, gathers them there and prints or writes them once, at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["Summary"]


class Summary:
    """A small plugin object: collects reports, prints the table, writes the report file."""

    def __init__(self, config: pytest.Config, path: Path | None, seed: int) -> None:
        self.config = config
        self.path = path
        self.seed = seed
        self.reports: list[dict[str, Any]] = []
        self.failures: list[dict[str, Any]] = []  # for the HTML report (report_html.py)

    @property
    def _is_worker(self) -> bool:
        return hasattr(self.config, "workerinput")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        found = getattr(report, "mockserver_resilience", None)
        if found:
            self.reports.extend(found)
        failure = getattr(report, "mockserver_failure", None)
        if failure:
            self.failures.append(failure)

    def _built(self) -> list[Any]:
        from .report import ResilienceReport

        return [ResilienceReport.from_dict(data) for data in self.reports]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self._is_worker or not self.reports:
            return
        from .report import terminal_lines

        terminalreporter.write_sep("=", "mockserver resilience matrix")
        width = getattr(terminalreporter, "_tw", None)
        columns = width.fullwidth if width is not None else 100
        for line in terminal_lines(self._built(), width=max(120, columns)):
            terminalreporter.write_line(line)
        if self.path is not None:
            terminalreporter.write_line(f"written to {self.path}")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self._is_worker or self.path is None:
            return
        from .options import is_html

        if is_html(self.path):
            from .report_html import write_html

            write_html(self.path, self._built(), self.failures, seed=self.seed)
            return
        from .report import write_report

        write_report(self.path, self._built(), seed=self.seed)
