"""Fixtures for the hostile-input tests: a server that logs its one line per request (like
`mockserver serve`), and the log captured."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from mockserver import MockServer


@pytest.fixture(scope="module")
def logging_server() -> Iterator[MockServer]:
    """A server that writes its one log line per request (like `mockserver serve`)."""
    with MockServer(log=True) as running:
        yield running
        running.check()


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mockserver")
    return caplog
