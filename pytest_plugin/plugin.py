"""Hooks and fixtures of the mockserver pytest plugin.

    make_mockserver (session)      one server per session / xdist worker, or --mockserver-url
      └── _mockserver_session      lanes, seed, shared SDK HTTP clients, hung-call threads
            └── mockserver (test)  MockserverFixture on a fresh lane; teardown: server errors,
                                   unused scenarios, lane freed
    mockserver_listen_address      (host, port) to bind; MOCKSERVER_HOST / MOCKSERVER_PORT

Each test's SDK environment variables (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, ...) point at its
lane while it runs (env.py); `env=False` on the marker or --mockserver-no-env opts out.

Import-light on purpose (like Hypothesis's plugin): pytest loads this module in every session
of every project that installed mockserver, so it imports only pytest and the standard
library; the server (starlette, uvicorn) is imported when a fixture is first used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from .env import NO_ENV_OPTION, wire_environment
from .options import (
    MARKER_HELP,
    REPORT_OPTION,
    SEED_OPTION,
    URL_OPTION,
    MarkerOptions,
    MockserverUsageError,
    check_report_path,
    check_url,
    is_html,
)

__all__ = [
    "pytest_addoption", "pytest_configure", "pytest_report_header", "pytest_runtest_makereport",
    "mockserver_listen_address", "make_mockserver", "_mockserver_session", "mockserver",
]

_FIXTURE = pytest.StashKey[Any]()
_CALL_RAISED = pytest.StashKey[bool]()
_HTML_REPORT = pytest.StashKey[bool]()  # --mockserver-report *.html: keep failing timelines
_SECTION = "mockserver: what the server received and sent"


def _seed(config: pytest.Config) -> int:
    seed = config.getoption("mockserver_seed", None)
    if seed is None:
        seed = int(os.environ.get("MOCKSERVER_SEED", "0"))
    return int(seed)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver", "mockserver (fake OpenAI-compatible upstream)")
    group.addoption(SEED_OPTION, dest="mockserver_seed", type=int, default=None, metavar="N",
                    help="seed of every scripted scenario (default 0 or $MOCKSERVER_SEED); "
                         "the same seed replays the same bytes")
    group.addoption(URL_OPTION, dest="mockserver_url", default=None, metavar="URL",
                    help="use an already running mockserver (http://HOST:PORT) through its "
                         "admin API instead of starting one")
    group.addoption(REPORT_OPTION, dest="mockserver_report", default=None, metavar="PATH",
                    help="write the resilience matrix of the run to PATH (.md or .json); "
                         ".html also holds the failing tests' transcripts and wire timelines")
    group.addoption(NO_ENV_OPTION, dest="mockserver_no_env", action="store_true", default=False,
                    help="do not point the SDKs' environment variables (OPENAI_BASE_URL, "
                         "ANTHROPIC_BASE_URL, ...) at each test's lane")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    try:
        check_url(config.getoption("mockserver_url", None))
        path = check_report_path(config.getoption("mockserver_report", None))
    except MockserverUsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_HTML_REPORT] = is_html(path)
    from .summary import Summary

    config.pluginmanager.register(Summary(config, path, _seed(config)), "mockserver-summary")


def pytest_report_header(config: pytest.Config) -> list[str]:
    seed = _seed(config)
    url = config.getoption("mockserver_url", None)
    where = f", server {url}" if url else ""
    return [f"mockserver: seed {seed} (replay with {SEED_OPTION} {seed}){where}"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    ms = item.stash.get(_FIXTURE, None)
    if ms is None:
        return report
    if report.when == "call" and call.excinfo is not None:
        item.stash[_CALL_RAISED] = True  # failed or xfailed: skip the unused-scenario check
    if report.failed and report.when in ("call", "teardown"):
        report.sections.append((_SECTION, ms.transcript()))
        if item.config.stash.get(_HTML_REPORT, False):
            from .report_html import failure_data

            report.mockserver_failure = failure_data(
                item.nodeid, report.when, report.longreprtext, lane=ms.lane,
                entries=ms.journal_entries(), transcript=ms.transcript(),
            )
    if report.when == "teardown":
        if ms.resilience_reports:
            report.mockserver_resilience = [r.to_dict() for r in ms.resilience_reports]
        del item.stash[_FIXTURE]
    return report


@pytest.fixture(scope="session")
def mockserver_listen_address() -> tuple[str, int]:
    """(host, port) the session's server binds; override in conftest.py or with env vars."""
    host = os.environ.get("MOCKSERVER_HOST", "127.0.0.1")
    return host, int(os.environ.get("MOCKSERVER_PORT", "0"))


@pytest.fixture(scope="session")
def make_mockserver(
    mockserver_listen_address: tuple[str, int], pytestconfig: pytest.Config
) -> Iterator[Any]:
    """The session's server: a `MockServer` in a thread, or a `RemoteServer` client."""
    url = check_url(pytestconfig.getoption("mockserver_url", None))
    if url:
        from .remote import RemoteServer

        server: Any = RemoteServer(url).start()
    else:
        from mockserver.transport.server import MockServer

        host, port = mockserver_listen_address
        server = MockServer(host, port, seed=_seed(pytestconfig))
        # the HTML report shows failing streams as played: record when each op went out
        server.state.feed.always = pytestconfig.stash.get(_HTML_REPORT, False)
        server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _mockserver_session(make_mockserver: Any, pytestconfig: pytest.Config) -> Iterator[Any]:
    from .session import Session

    remote = bool(pytestconfig.getoption("mockserver_url", None))
    session = Session(make_mockserver, seed=_seed(pytestconfig), remote=remote)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def mockserver(_mockserver_session: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """This test's view of the mock server, on its own lane (see `MockserverFixture`)."""
    from .fixture import MockserverFixture

    node = request.node
    problem = None
    try:
        options = MarkerOptions.from_item(node)
        lane = _mockserver_session.new_lane(node.nodeid)
        ms = MockserverFixture(_mockserver_session, lane, nodeid=node.nodeid, options=options)
    except MockserverUsageError as exc:
        problem = str(exc)
    if problem is not None:  # outside `except`: no "during handling" chain in the report
        pytest.fail(problem, pytrace=False)
    node.stash[_FIXTURE] = ms
    wire = ms.options.env and not request.config.getoption("mockserver_no_env", False)
    environment = wire_environment(ms) if wire else None
    yield ms
    from .fixture import UnusedScenariosError

    try:
        ms.close(check_unused=not node.stash.get(_CALL_RAISED, False))
    except UnusedScenariosError as exc:
        problem = str(exc)
    finally:
        if environment is not None:
            environment.undo()
    if problem is not None:
        pytest.fail(problem, pytrace=False)
