"""A real Redis and real multi-process mockservers for the workers tests.

Redis is Debian's `redis-server` (tools/redis_server.py; ./run.sh test installs it when
missing): started on a free port of 127.0.0.1 with a temporary directory and no persistence,
stopped by its PID. The
mockservers are the `mockserver serve --workers N` command as users run it, each in its own
process group so a stop reaches its workers too; every start and stop is bounded in time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from tools.redis_server import RedisServer

START_S = 60.0  # spawned workers import the server: seconds on a loaded 2-core machine
STOP_S = 10.0


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the PID, SIGKILL it if it has not ended within STOP_S."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(STOP_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(STOP_S)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


class Served:
    """A `mockserver serve` process (and its workers): its URL, its output, a bounded stop."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._readers = [threading.Thread(target=self._drain, args=(self.proc.stderr,
                                                                     self.errors), daemon=True)]
        self._readers[0].start()
        first = self._first_line()
        assert first.startswith("mockserver listening on http://127.0.0.1:"), first
        self.url = first.split()[-1]
        self._readers.append(threading.Thread(target=self._drain, args=(self.proc.stdout,
                                                                        self.lines), daemon=True))
        self._readers[1].start()

    def _first_line(self) -> str:
        got: list[bytes] = []
        assert self.proc.stdout is not None

        def read() -> None:
            got.append(self.proc.stdout.readline())  # type: ignore[union-attr]

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(START_S)
        if not got or not got[0]:
            self.stop()
            raise AssertionError(f"mockserver serve did not start: {self.errors[-20:]}")
        return got[0].decode().strip()

    @staticmethod
    def _drain(stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.append(line.decode().rstrip())

    def stop(self) -> None:
        """SIGTERM the supervisor (it stops its workers); then nothing of its process group
        may be left (a leftover is killed and reported)."""
        _stop(self.proc)
        deadline = time.monotonic() + STOP_S
        while _group_alive(self.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        left_behind = _group_alive(self.proc.pid)
        if left_behind:  # first, so the pipes they hold close and the readers end
            os.killpg(self.proc.pid, signal.SIGKILL)
        for reader in self._readers:
            reader.join(STOP_S)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        if left_behind:
            raise AssertionError("mockserver serve left worker processes behind")

    def lane_url(self, lane: str) -> str:
        return f"{self.url}/lane/{lane}/v1"


@pytest.fixture(scope="module")
def served_with_redis(redis_server: RedisServer) -> Iterator[Served]:
    """Two workers sharing lanes through the module's Redis."""
    served = Served("--workers", "2", "--state", redis_server.url, "--seed", "7")
    try:
        yield served
    finally:
        served.stop()
