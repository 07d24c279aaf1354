"""Shared test configuration: pytester drives the plugin tests in tests/plugin/, and one real
mock server per module serves the socket tests (each test takes its own lane of it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver import MockServer

pytest_plugins = ["pytester"]


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    """A real uvicorn on 127.0.0.1 (port 0) for this module; server-side errors fail it."""
    with MockServer() as running:
        yield running
        running.check()
