"""`mockserver serve --workers N [--state URL]`: N processes answering on one port.

    parent (supervisor)      reserves the port (a SO_REUSEPORT socket bound, never listening),
    │                        starts N spawned workers, prints the listening line once all are
    │                        up, restarts a worker that dies, stops them all on SIGINT/SIGTERM
    ├── worker 0 ┐           each: the same config and library, its own SO_REUSEPORT listening
    ├── worker 1 ├─ one port socket on the port (the kernel spreads connections over them), its
    └── ...      ┘           own uvicorn and event loop: the stack --http/--loop chose
                             (httptools + uvloop where installed, stack.py)

Lanes: with `--state redis://...` every worker shares them through Redis (redis_store.py);
without it, several workers refuse lane operations with a 400 naming --state (lane_store.py),
and stateless selection (headers, /scenario/<name>, --scenario, --fault, chaos, the faithful
default) works in every worker alike. One worker with `--state` runs in this process.

Why our own supervisor rather than uvicorn's: uvicorn's shares one listening socket, whose
accepts go to whichever process wakes first; SO_REUSEPORT gives each worker its own queue and
spreads connections evenly, and the workers need their index and a readiness signal.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from typing import Any

import uvicorn

from mockserver.core.scenario import Scenario
from mockserver.errors import ConfigError, ServerError
from mockserver.transport._internals import bound_port
from mockserver.transport.app import MockApp
from mockserver.transport.lane_store import LaneStore, LocalLanes, UnsharedLanes
from mockserver.transport.server import uvicorn_config
from mockserver.transport.stack import choose_stack
from mockserver.transport.state import ServerConfig, ServerState

__all__ = [
    "WorkerSpec", "serve", "run_worker", "build_app", "reuseport_socket", "START_TIMEOUT_S",
    "STOP_TIMEOUT_S",
]

log = logging.getLogger("mockserver")

#: how long the workers get to start listening
START_TIMEOUT_S = 60.0
#: SIGTERM to the end of the last worker; past it the stragglers are killed (SPEC 8: 2 s)
STOP_TIMEOUT_S = 1.6


@dataclass(frozen=True)
class WorkerSpec:
    """What every worker needs to build the same server as its siblings (picklable)."""

    config: ServerConfig
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    state_url: str | None = None
    scenarios: tuple[Scenario, ...] = ()  # --scenarios files, over the built-in library
    http: str = "auto"  # the stack every worker runs (stack.py): --http / --loop
    loop: str = "auto"


def reuseport_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) with SO_REUSEPORT (not listening yet)."""
    if not sys.platform.startswith("linux") or not hasattr(socket, "SO_REUSEPORT"):
        raise ConfigError("--workers > 1 needs Linux: it spreads connections over the "
                          "workers with SO_REUSEPORT")
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def _builtin_library() -> tuple[Scenario, ...]:
    from mockserver.fixtures.library import builtin_scenarios

    scenarios: tuple[Scenario, ...] = builtin_scenarios()
    return scenarios


def build_app(spec: WorkerSpec, index: int) -> MockApp:
    """The app of worker `index`: config and library as given, lanes as --state says."""
    state = ServerState(spec.config)
    state.library.defer(_builtin_library)  # read on first use; --scenarios files win
    for scenario in spec.scenarios:
        state.add_library(scenario)
    lanes: LaneStore
    if spec.state_url:
        from mockserver.transport.redis_store import RedisLanes  # only with --state

        # the journal's caps as in one process (`--journal-max-mb`), for the shared journal
        lanes = RedisLanes(spec.state_url, bounds=spec.config.journal_bounds, worker=index)
    elif spec.workers > 1:
        lanes = UnsharedLanes(state, spec.workers)
    else:
        lanes = LocalLanes(state)
    return MockApp(state, lanes)


class _Worker(uvicorn.Server):
    """uvicorn's server, telling `ready(port)` once its socket listens."""

    def __init__(self, config: uvicorn.Config, ready: Callable[[int], None]) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._ready(bound_port(self))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().shutdown(sockets)
        finally:  # in the worker's loop, where the app's clients (the proxy's) live
            app = self.config.app
            if isinstance(app, MockApp):
                await app.aclose()


def run_worker(spec: WorkerSpec, index: int, ready: Callable[[int], None]) -> None:
    """Serve as worker `index` on the spec's port until SIGINT/SIGTERM (uvicorn's handlers).
    One of several listens on its own SO_REUSEPORT socket; a lone worker binds as usual."""
    if spec.config.log:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    app = build_app(spec, index)
    config = spec.config
    stack = choose_stack(spec.http, spec.loop)  # the supervisor has logged its line (CLI)
    server = _Worker(uvicorn_config(
        app, spec.host, spec.port, stack=stack, header_timeout=config.header_timeout,
        log_requests=config.log, ws_max_size=config.ws_max_size,
    ), ready)
    if spec.workers > 1:
        server.run(sockets=[reuseport_socket(spec.host, spec.port)])
    else:
        server.run()
    if not server.started:
        raise ServerError(f"could not listen on {spec.host}:{spec.port}")


def _end_with(parent: int) -> None:
    """SIGTERM this worker once its supervisor is gone (killed without stopping it)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def _child(spec: WorkerSpec, index: int, report: Any, parent: int) -> None:
    """The entry point of a spawned worker: serve, and say on `report` when ready or why not."""
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    try:
        run_worker(spec, index, lambda port: report.send(("ready", index, os.getpid())))
    except BaseException as exc:  # noqa: BLE001 - told to the supervisor, then the worker ends
        if not isinstance(exc, (KeyboardInterrupt, SystemExit)):
            report.send(("error", index, f"{type(exc).__name__}: {exc}"))
            raise SystemExit(3) from None


class _Supervisor:
    """The parent's side: start workers, wait for them to listen, restart, stop them all."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.ctx = multiprocessing.get_context("spawn")
        self.procs: dict[int, Any] = {}
        self.pipes: dict[int, Any] = {}
        self.stopping = False

    def start(self, index: int) -> None:
        reader, writer = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(target=_child, args=(self.spec, index, writer, os.getpid()),
                                name=f"mockserver-worker-{index}")
        proc.start()
        writer.close()
        self.procs[index], self.pipes[index] = proc, reader

    def wait_ready(self, indexes: list[int], timeout: float) -> None:
        """Until each of `indexes` says it listens (or the supervisor is told to stop)."""
        waiting, deadline = set(indexes), time.monotonic() + timeout
        while waiting and not self.stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServerError(f"workers {sorted(waiting)} did not start within {timeout}s")
            for ready in wait([self.pipes[i] for i in waiting], timeout=min(left, 0.2)):
                if self.stopping:
                    return
                index = next(i for i in waiting if self.pipes[i] is ready)
                pipe = self.pipes[index]
                try:
                    kind, _, detail = pipe.recv()
                except EOFError:
                    kind, detail = "error", f"exited with code {self.procs[index].exitcode}"
                if kind != "ready":
                    raise ServerError(f"worker {index} failed to start: {detail}")
                waiting.discard(index)

    def supervise(self) -> None:
        """Until told to stop: restart workers that die (a crash loop stops the server)."""
        restarts: list[float] = []
        while not self.stopping:
            sentinels = {p.sentinel: i for i, p in self.procs.items()}
            for sentinel in wait(list(sentinels), timeout=0.2):
                index = sentinels[sentinel]
                if self.stopping:
                    return
                self.procs[index].join(1.0)  # reap it (its sentinel fires just before)
                code = self.procs[index].exitcode
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < 10] + [now]
                if len(restarts) > 3 * self.spec.workers:
                    raise ServerError(f"workers keep dying (worker {index}: exit code {code})")
                log.warning("mockserver: worker %d exited (code %s); starting it again",
                            index, code)
                self.start(index)
                self.wait_ready([index], START_TIMEOUT_S)

    def stop(self) -> None:
        self.stopping = True
        for proc in self.procs.values():
            if proc.exitcode is None and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for proc in self.procs.values():
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.exitcode is None:
                proc.kill()
                proc.join(1.0)
        for pipe in self.pipes.values():
            pipe.close()


def serve(spec: WorkerSpec, announce: Callable[[int], None]) -> None:
    """Run the spec's workers until SIGINT/SIGTERM; `announce(port)` once all listen."""
    if spec.workers == 1:
        run_worker(spec, 0, announce)  # one process: uvicorn handles the signals
        return
    reserve = reuseport_socket(spec.host, spec.port)  # holds the port; never accepts
    supervisor = _Supervisor(replace(spec, port=int(reserve.getsockname()[1])))

    def stop(*_: object) -> None:
        supervisor.stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for index in range(spec.workers):
            supervisor.start(index)
        supervisor.wait_ready(list(range(spec.workers)), START_TIMEOUT_S)
        if not supervisor.stopping:
            announce(supervisor.spec.port)
            supervisor.supervise()
    finally:
        supervisor.stop()
        reserve.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
