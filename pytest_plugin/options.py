"""Options are data, validated once: the `mockserver` marker and the command-line options.

    @pytest.mark.mockserver(scenario=None, faults=(), seed=None, assert_all_used=True, env=True)

Marker kwargs from every level (module, class, function) are merged, closest level winning,
and handed to one constructor, `MarkerOptions`, so an unknown kwarg, an unknown fault or a bad
seed fails the test loudly at setup instead of being ignored (the pytest_httpx habit). Library
scenario names are checked against the running server when the fixture applies the options.

Importing this module imports nothing but pytest and the standard library.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "MARKER",
    "MARKER_HELP",
    "SEED_OPTION",
    "URL_OPTION",
    "REPORT_OPTION",
    "UNUSED_ANCHOR",
    "MarkerOptions",
    "MockserverUsageError",
    "check_report_path",
    "is_html",
    "check_url",
]

MARKER = "mockserver"
MARKER_HELP = (
    "mockserver(scenario=None, faults=(), seed=None, assert_all_used=True, env=True): configure "
    "the `mockserver` fixture for this test: enqueue the named library scenario on the test's "
    "lane, add fault specs to every request of the test, fix the seed, skip the teardown check "
    "that every scripted scenario was requested, or leave the SDKs' environment variables "
    "(OPENAI_BASE_URL, ANTHROPIC_BASE_URL, ...) alone instead of pointing them at the lane."
)
SEED_OPTION = "--mockserver-seed"
URL_OPTION = "--mockserver-url"
REPORT_OPTION = "--mockserver-report"
#: README section that explains the unused-scenario check and how to opt out.
UNUSED_ANCHOR = "README.md#unused-scenarios"


class MockserverUsageError(ValueError):
    """A marker or option of the mockserver plugin is invalid (options: a `pytest.UsageError`)."""


@dataclass(frozen=True)
class MarkerOptions:
    """The validated kwargs of `@pytest.mark.mockserver`."""

    scenario: str | None = None
    faults: tuple[Any, ...] = ()
    seed: int | None = None
    assert_all_used: bool = True
    env: bool = True

    def __post_init__(self) -> None:
        if self.scenario is not None and (not isinstance(self.scenario, str) or not self.scenario):
            raise MockserverUsageError(
                f"mockserver marker: scenario= must be a library scenario name (a string), "
                f"got {self.scenario!r}"
            )
        faults = self.faults
        if isinstance(faults, (str, dict)) or not isinstance(faults, Sequence):
            faults = (faults,)
        object.__setattr__(self, "faults", tuple(faults))
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0
        ):
            raise MockserverUsageError(
                f"mockserver marker: seed= must be a non-negative integer, got {self.seed!r}"
            )
        if not isinstance(self.assert_all_used, bool):
            raise MockserverUsageError(
                "mockserver marker: assert_all_used= must be True or False, "
                f"got {self.assert_all_used!r}"
            )
        if not isinstance(self.env, bool):
            raise MockserverUsageError(
                f"mockserver marker: env= must be True or False, got {self.env!r}"
            )
        if self.faults:
            self.fault_specs()  # unknown fault or bad parameter: fail now, with its message

    def fault_specs(self) -> tuple[str, ...]:
        """The marker faults as canonical spec strings (validated by the fault registry)."""
        from mockserver.errors import ConfigError
        from mockserver.faults import parse_faults

        try:
            return tuple(f.spec() for f in parse_faults(list(self.faults)))
        except ConfigError as exc:
            raise MockserverUsageError(f"mockserver marker: faults=: {exc}") from None

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> MarkerOptions:
        allowed = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(kwargs) - set(allowed))
        if unknown:
            raise MockserverUsageError(
                f"mockserver marker: unknown argument(s) {', '.join(map(repr, unknown))}; "
                f"allowed: {', '.join(allowed)}"
            )
        return cls(**kwargs)

    @classmethod
    def from_item(cls, item: pytest.Item) -> MarkerOptions:
        """Merge the marker from every level (closest wins) and validate the result."""
        merged: dict[str, Any] = {}
        for mark in reversed(list(item.iter_markers(name=MARKER))):
            if mark.args:
                raise MockserverUsageError(
                    "mockserver marker takes keyword arguments only "
                    "(scenario=, faults=, seed=, assert_all_used=, env=), "
                    f"got positional {mark.args!r}"
                )
            merged.update(mark.kwargs)
        return cls.from_kwargs(merged)


def check_report_path(value: str | None) -> Path | None:
    """`--mockserver-report PATH`: a .md, .json or .html file."""
    if not value:
        return None
    path = Path(value)
    if path.suffix.lower() not in (".md", ".json", ".html", ".htm"):
        raise MockserverUsageError(
            f"{REPORT_OPTION} {value}: the report is written as Markdown, JSON or HTML; "
            "give a path ending in .md, .json or .html"
        )
    return path


def is_html(path: Path | None) -> bool:
    """Whether the report is the HTML one (matrix plus failing tests with their timelines)."""
    return path is not None and path.suffix.lower() in (".html", ".htm")


def check_url(value: str | None) -> str | None:
    """`--mockserver-url URL`: the root of an already running server (http://HOST:PORT)."""
    if not value:
        return None
    url = value.rstrip("/")
    if url.endswith("/v1"):
        url = url[: -len("/v1")]
    if not url.startswith(("http://", "https://")):
        raise MockserverUsageError(
            f"{URL_OPTION} {value}: expected the server root, like http://127.0.0.1:8080"
        )
    return url
