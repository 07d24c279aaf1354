"""`serve`'s --workers and --state flags: bad values exit 2 with a clear message; a Redis that
does not answer yet is a warning, and one process with --state serves what needs no lane
while lane operations answer 503 until Redis is there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.workers.conftest import Served
from tools.redis_server import free_port

CHAT = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}


@pytest.mark.parametrize(("args", "message"), [
    (("--workers", "0"), "--workers must be at least 1, got 0"),
    (("--state", "http://127.0.0.1:6379/0"), "expected redis://HOST:PORT/DB"),
    (("--workers", "2", "--state", "redis://127.0.0.1:6379/notanumber"), "--state redis://"),
])
def test_bad_workers_or_state_exit_2_with_a_clear_message(args, message) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # it started after all: stop it and whatever it spawned
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 2 and message in stderr, stderr


def test_one_process_with_unreachable_state_warns_and_serves_what_needs_no_lane() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    served = Served("--state", url)
    try:
        with httpx.Client(timeout=10) as http:
            root = http.post(f"{served.url}/v1/chat/completions", json=CHAT)
            assert root.json()["choices"][0]["message"]["content"] == "You said: hi"
            lane = http.post(f"{served.url}/lane/a/v1/chat/completions", json=CHAT)
            assert lane.status_code == 503
            assert lane.json()["error"]["code"] == "state_unavailable"
    finally:
        served.stop()
    assert any(f"Redis at {url} does not answer yet" in line for line in served.errors)


def test_workers_end_by_themselves_when_their_supervisor_is_killed() -> None:
    served = Served("--workers", "2")
    os.kill(served.proc.pid, signal.SIGKILL)  # no chance to stop its workers
    served.stop()  # fails if any process of its group is still there after STOP_S


def test_state_urls_are_shown_without_their_password() -> None:
    from mockserver.transport.redis_url import redacted

    assert redacted("redis://user:pw@cache:6380/2") == "redis://user:***@cache:6380/2"
    assert redacted("redis://:pw@cache/0") == "redis://:***@cache/0"
    assert redacted("redis://cache:6379/0") == "redis://cache:6379/0"


def _worker_pids(supervisor: int) -> list[int]:
    """The spawned workers among the supervisor's children (Linux's /proc)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    return [int(pid) for pid in children
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


@pytest.mark.parametrize(("args", "line", "loaded"), [
    ((), "HTTP by httptools, event loop uvloop", True),
    (("--http", "h11", "--loop", "asyncio"), "HTTP by h11, event loop asyncio", False),
])
def test_workers_run_the_stack_serve_chose(args, line, loaded) -> None:
    served = Served("--workers", "2", *args)
    try:
        with httpx.Client(timeout=10) as http:
            answer = http.post(f"{served.url}/v1/chat/completions", json=CHAT)
            assert answer.json()["choices"][0]["message"]["content"] == "You said: hi"
        workers = _worker_pids(served.proc.pid)
        assert len(workers) == 2, workers
        for pid in workers:  # what each worker process has loaded: the chosen stack only
            maps = Path(f"/proc/{pid}/maps").read_text()
            assert ("/uvloop/" in maps, "/httptools/" in maps) == (loaded, loaded), pid
    finally:
        served.stop()
    assert any(line in error for error in served.errors), served.errors
