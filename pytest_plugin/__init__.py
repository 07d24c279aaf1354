"""The mockserver pytest plugin (installed as `mockserver.pytest_plugin`, entry point `mockserver`).

    def test_client_survives_reset(mockserver):
        mockserver.stream("Hello world", faults=["close(after=1, mode=reset)"])
        client = mockserver.openai_client()
        ...

Fixtures: `mockserver` (per test, on its own lane), `make_mockserver` (the session's server),
`mockserver_listen_address` and `mockserver_stack` (overridable). Marker:
`@pytest.mark.mockserver(scenario=None, faults=(), seed=None, assert_all_used=True)`.
Options: `--mockserver-seed N`, `--mockserver-url URL`, `--mockserver-report PATH`.

This module is what pytest imports in every session of every project that installed
mockserver, so it imports only pytest: the server, starlette and uvicorn load when a fixture
is first used (tested by `tests/plugin/test_import.py`).
"""

from .plugin import (
    _mockserver_session,
    make_mockserver,
    mockserver,
    mockserver_listen_address,
    mockserver_stack,
    pytest_addoption,
    pytest_configure,
    pytest_report_header,
    pytest_runtest_makereport,
)

__all__ = [
    "_mockserver_session",
    "make_mockserver",
    "mockserver",
    "mockserver_listen_address",
    "mockserver_stack",
    "pytest_addoption",
    "pytest_configure",
    "pytest_report_header",
    "pytest_runtest_makereport",
]
