"""MockServer: a handle that runs the mock on a real socket in a background thread.

Modelled on HTTPX's `TestServer` and pytest-httpserver's `HTTPServer`:

    with MockServer() as server:              # uvicorn on 127.0.0.1, port 0 -> a free port
        server.enqueue({"response": {"text": "hi"}, "faults": ["close(after=1)"]})
        client = OpenAI(base_url=server.base_url, api_key="x")
        ...
        server.requests()                     # the journal
        server.check()                        # re-raise anything that failed in the server

Real sockets matter: in-process transports buffer the body, so splits, pacing, closes and
resets are only visible to a client reading from a socket.

`MockServer(http="auto"|"httptools"|"h11", loop="auto"|"uvloop"|"asyncio")` picks the stack
(`stack.py`): httptools and uvloop when they import, h11 and asyncio otherwise, with one log
line when it falls back. The server thread runs its own event loop of that kind.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterable
from typing import Any

import uvicorn

from mockserver.core.scenario import Scenario
from mockserver.errors import ServerError
from mockserver.transport._internals import bound_port, http_protocol_class, ws_protocol
from mockserver.transport.app import MockApp
from mockserver.transport.security import check_bind
from mockserver.transport.stack import Stack, choose_stack
from mockserver.transport.state import DEFAULT_LANE, JournalEntry, ServerConfig, ServerState

__all__ = ["MockServer", "uvicorn_config"]

log = logging.getLogger("mockserver.stack")


def uvicorn_config(
    app: Any, host: str, port: int, *, stack: Stack | None = None, log_level: str = "warning",
    header_timeout: float | None = 10.0, log_requests: bool = False,
    ws_max_size: int = 16 * 1024 * 1024,
) -> uvicorn.Config:
    """The one uvicorn configuration every entry point uses (thread, CLI, workers,
    benchmarks), on `stack` (`stack.py`; default: the auto choice).

    `header_timeout` rides on the config object, where the HTTP protocol classes read it
    (`_internals.HeaderTimeoutMixin`, on httptools and h11 alike). A graceful shutdown waits
    at most 0.5 s for streams in flight before they are cancelled, so `serve` stops within
    2 s of SIGTERM.
    """
    stack = stack or choose_stack()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop=stack.loop,
        http=http_protocol_class(stack.http),
        ws=ws_protocol,  # type: ignore[arg-type]  # a factory: websockets loads on first upgrade
        lifespan="off",
        log_level=log_level,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=0.5,  # type: ignore[arg-type]  # uvicorn reads any number
        ws_max_size=ws_max_size,
        ws_ping_interval=None,
        ws_ping_timeout=None,
    )
    config.header_timeout = header_timeout  # type: ignore[attr-defined]
    config.log_requests = log_requests  # type: ignore[attr-defined]
    return config


class _Server(uvicorn.Server):
    """uvicorn's server, also signalling the end of its start-up (started or failed) on an
    Event, so `MockServer.start` returns as soon as the socket listens instead of polling,
    and ending the endless responses (the inspector's event streams) as its shutdown begins,
    instead of waiting for them until the graceful-shutdown timeout cancels them."""

    def __init__(self, config: uvicorn.Config, on_shutdown: Any = None) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop it serves on
        self.on_shutdown = on_shutdown

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            super().run(sockets)
        finally:
            self.ready.set()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.on_shutdown is not None:
            self.on_shutdown()
        try:
            await super().shutdown(sockets)
        finally:  # in the server's loop, where the app's clients (the proxy's) live
            close = getattr(self.config.app, "aclose", None)
            if close is not None:
                await close()


def _builtin_library() -> tuple[Scenario, ...]:
    from mockserver.fixtures.library import builtin_scenarios

    scenarios: tuple[Scenario, ...] = builtin_scenarios()
    return scenarios


class MockServer:
    """Start/stop a mock server in a thread; context manager; journal and scenario helpers."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        scenarios: Iterable[Scenario] = (),
        config: ServerConfig | None = None,
        http: str = "auto",
        loop: str = "auto",
        **options: Any,
    ) -> None:
        if config is None:
            config = ServerConfig(host=host, **options)
        check_bind(host, config.admin_token)
        #: the HTTP implementation and event loop it serves on (see `stack.py`)
        self.stack = choose_stack(http, loop)
        self.host = host
        self.port = port
        self.config = config
        self.state = ServerState(config, scenarios)
        if not scenarios:  # the built-in library, read on first use (not at start-up)
            self.state.library.defer(_builtin_library)
        self.app = MockApp(self.state)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> MockServer:
        if self._thread is not None:
            return self
        # one line: a warning when it falls back (never an error), else for who listens (CLI)
        log.log(logging.WARNING if self.stack.missing else logging.INFO, self.stack.line())
        self.state.feed.reopen()
        server = _Server(uvicorn_config(
            self.app, self.host, self.port, stack=self.stack,
            header_timeout=self.config.header_timeout, log_requests=self.config.log,
            ws_max_size=self.config.ws_max_size,
        ), on_shutdown=self.state.feed.close)
        thread = threading.Thread(target=server.run, name="mockserver", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        if not server.ready.wait(timeout):
            server.should_exit = True
            raise ServerError(f"mockserver did not start within {timeout}s")
        if not server.started:
            raise ServerError(f"mockserver failed to start on {self.host}:{self.port}")
        self.port = bound_port(server)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout)
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def inspector_url(self) -> str:
        """The live inspector page (`GET /_mock/ui`)."""
        return f"{self.url}/_mock/ui"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/v1"

    def url_for(self, path: str, *, lane: str | None = None) -> str:
        prefix = f"/lane/{lane}" if lane and lane != DEFAULT_LANE else ""
        return f"{self.url}{prefix}{path if path.startswith('/') else '/' + path}"

    def lane_base_url(self, lane: str) -> str:
        return self.url_for("/v1", lane=lane)

    # -- scenarios and journal -----------------------------------------------------------
    def enqueue(self, *scenarios: Scenario | dict[str, Any], lane: str = DEFAULT_LANE) -> list[str]:
        built = [Scenario.from_dict(s) for s in scenarios]
        return self.state.enqueue(lane, built)

    def requests(self, lane: str | None = None) -> list[JournalEntry]:
        return self.state.journal(lane)

    def clear(self, lane: str | None = None) -> None:
        self.state.reset(lane)

    def check(self) -> None:
        """Re-raise the first exception that happened inside the server thread."""
        if self.state.errors:
            errors = list(self.state.errors)
            self.state.errors.clear()
            raise ServerError(f"{len(errors)} error(s) in the server: {errors[0]!r}") from errors[0]
