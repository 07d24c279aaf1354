"""Shared test configuration: pytester drives the plugin tests in tests/plugin/, and one real
mock server per module serves the socket tests (each test takes its own lane of it).

Both stacks, every socket test: `mockserver_stack` (the plugin's config fixture, overridden
here) is parametrized by session, so every test that reaches a server through `server`, the
`mockserver` fixture or the WebSocket helpers runs once on httptools + uvloop (`fast`, the
default users get) and once on h11 + asyncio (`h11`, the fallback). The faults reach the
transport through uvicorn's protocol classes, which differ between the two; running the
client-side assertions on both is what proves they play the same. Tests that start their own
server process (CLI, pytester sessions, start-up probes) run on the default stack; the
fallback itself is tested in tests/transport/test_stack.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver import MockServer

pytest_plugins = ["pytester"]

#: test id -> (http, loop) given to MockServer
STACKS = {"fast": ("httptools", "uvloop"), "h11": ("h11", "asyncio")}


@pytest.fixture(scope="session", params=list(STACKS))
def mockserver_stack(request: pytest.FixtureRequest) -> tuple[str, str]:
    """The stack every shared server of this session runs on (see the module docstring)."""
    return STACKS[request.param]


@pytest.fixture(scope="module")
def server(mockserver_stack: tuple[str, str]) -> Iterator[MockServer]:
    """A real uvicorn on 127.0.0.1 (port 0) for this module; server-side errors fail it."""
    http, loop = mockserver_stack
    with MockServer(http=http, loop=loop) as running:
        assert running.stack.missing == (), running.stack.line()  # CI has both stacks
        yield running
        running.check()
