"""Contenders for the per-test benchmark: each gets a 20-chunk streamed chat completion ready.

Every contender is a session part (server or transport) plus a function fixture that scripts
one 20-chunk stream for the test and cleans up after it, exactly what a user's test pays:

- `mockserver`: our `mockserver` fixture once the plugin provides it; until then the
  `MockServer` handle in a thread, scripted in-process (`enqueue`), cleared after each test.
- `respx`: `respx.mock` around the test with one route (openai uses httpx2, so httpx is
  aliased to httpx2 before anything imports it; respx's own plugin is disabled in pytest.ini).
- `httpserver`: pytest-httpserver's `httpserver` fixture with one ordered expectation.
- `mocktransport`: `httpx2.MockTransport` answering from a handler.
- `uvicorn`: a bare Starlette app on uvicorn in a thread: the floor for a real socket.

The stack (ours and the bare uvicorn) comes from $MOCKSERVER_HTTP / $MOCKSERVER_LOOP, which
the plugin's `mockserver_stack` fixture reads (bench_pertest.py runs the session once per
stack).

The hook at the bottom times setup + call + teardown of every test and writes them to
$PERTEST_OUT as JSON at the end of the session.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import httpx2

httpx2.alias_httpx()  # before respx imports httpx: respx then patches the httpx2 classes

import openai  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inthread import BareUvicorn, sse_body  # noqa: E402

CHUNKS = ["tok"] * 20
BODY = sse_body(20)
SSE = {"content-type": "text/event-stream; charset=utf-8"}
FAKE = "http://mock.test/v1"
TIMES: list[dict[str, object]] = []


def plugin_fixture() -> bool:
    """True once mockserver.pytest_plugin defines the `mockserver` fixture."""
    try:
        import mockserver.pytest_plugin as plugin
    except ImportError:
        return False
    return any(hasattr(plugin, n) for n in ("mockserver", "make_mockserver"))


class Target:
    """What a test needs: a base URL, a session client, and a way to build a fresh one."""

    def __init__(self, base_url: str, http_client: object | None = None, factory=None) -> None:
        self.base_url, self._http, self._factory = base_url, http_client, factory
        self._session: openai.OpenAI | None = None

    def new_client(self) -> openai.OpenAI:
        if self._factory:
            return self._factory()
        return openai.OpenAI(base_url=self.base_url, api_key="test", max_retries=0)

    def session_client(self) -> openai.OpenAI:
        if self._session is None:
            self._session = self.new_client()
        return self._session


HTTP = os.environ.get("MOCKSERVER_HTTP", "httptools")
LOOP = os.environ.get("MOCKSERVER_LOOP", "uvloop")


@pytest.fixture(scope="session")
def _handle():
    from mockserver.transport.server import MockServer

    with MockServer(http=HTTP, loop=LOOP) as server:
        yield server


@pytest.fixture(scope="session")
def _ours_session(_handle):
    return Target(_handle.base_url)


@pytest.fixture
def c_mockserver(request):
    if plugin_fixture():
        ms = request.getfixturevalue("mockserver")
        ms.stream(chunks=CHUNKS)
        t = Target(ms.base_url)
        t.session_client = ms.openai_client  # the plugin shares one HTTP client per session
        yield t
        return
    handle = request.getfixturevalue("_handle")
    handle.enqueue({"response": {"chunks": CHUNKS}})  # in-process, as a plugin would
    yield request.getfixturevalue("_ours_session")
    handle.clear()


@pytest.fixture(scope="session")
def _respx_session():
    return Target(FAKE)


@pytest.fixture
def c_respx(_respx_session):
    import respx

    with respx.mock(base_url=FAKE, assert_all_called=True) as router:
        router.post("/chat/completions").respond(200, content=BODY, headers=SSE)
        yield _respx_session


@pytest.fixture(scope="session")
def _httpserver_session(make_httpserver):
    return Target(make_httpserver.url_for("/v1"))


@pytest.fixture
def c_httpserver(httpserver, _httpserver_session):
    httpserver.expect_ordered_request("/v1/chat/completions", method="POST").respond_with_data(
        BODY, headers=SSE)
    yield _httpserver_session
    httpserver.check_assertions()


def _handler(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, content=BODY, headers=SSE)


@pytest.fixture(scope="session")
def _mocktransport_session():
    def factory() -> openai.OpenAI:
        http = httpx2.Client(transport=httpx2.MockTransport(_handler))
        return openai.OpenAI(base_url=FAKE, api_key="test", max_retries=0, http_client=http)

    return Target(FAKE, factory=factory)


@pytest.fixture
def c_mocktransport(_mocktransport_session):
    return _mocktransport_session


@pytest.fixture(scope="session")
def _uvicorn_session():
    server = BareUvicorn(20, http=HTTP, loop=LOOP)
    server.start()
    yield Target(server.base_url)
    server.stop()


@pytest.fixture
def c_uvicorn(_uvicorn_session):
    return _uvicorn_session


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    t0 = time.perf_counter()
    yield
    if not hasattr(item, "callspec"):  # the warm-up
        return
    p = item.callspec.params
    TIMES.append({"who": p["who"], "mode": p["mode"], "round": p["rnd"],
                  "ms": (time.perf_counter() - t0) * 1000, "last": nextitem is None})


def pytest_sessionfinish(session):
    out = os.environ.get("PERTEST_OUT")
    if out:
        Path(out).write_text(json.dumps({"tests": TIMES, "plugin": plugin_fixture()}))
