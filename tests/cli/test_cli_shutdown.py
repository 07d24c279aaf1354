"""`mockserver serve` stops within 2 s of SIGTERM or Ctrl-C whatever is in flight (SPEC 8):
a stalled stream, a silent connection, a slowloris connection, an idle WebSocket and the
inspector's event stream, all held open by a real subprocess while the signal arrives; as one
process and as a supervisor of two workers."""

from __future__ import annotations

import base64
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

CMD = [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--quiet"]
BODY = b'{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}],"stream":true}'


def _request(fault: str) -> bytes:
    return (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"X-Mock-Fault: " + fault.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(BODY)
            + BODY)


@pytest.fixture(params=[[], ["--workers", "2"]], ids=["one process", "2 workers"])
def serve(request: pytest.FixtureRequest) -> Iterator[tuple[subprocess.Popen[str], int]]:
    cmd = CMD + request.param
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()  # bounded: the process prints it or exits
            match = re.match(r"mockserver listening on http://127\.0\.0\.1:(\d+)", line)
            assert match, (line, proc.poll())
            yield proc, int(match.group(1))
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)


def _hold_everything_open(port: int) -> list[socket.socket]:
    held = []
    stalled = socket.create_connection(("127.0.0.1", port), timeout=10)
    stalled.sendall(_request("stall(after=1, seconds=60)"))
    assert stalled.recv(65536).startswith(b"HTTP/1.1 200")  # the head and the first event
    held.append(stalled)
    silent = socket.create_connection(("127.0.0.1", port), timeout=10)
    silent.sendall(_request("silent(seconds=60)"))
    held.append(silent)
    slowloris = socket.create_connection(("127.0.0.1", port), timeout=10)
    slowloris.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
    held.append(slowloris)
    upgraded = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16))
    upgraded.sendall(b"GET /v1/ws/chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key
                     + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert upgraded.recv(4096).startswith(b"HTTP/1.1 101")
    held.append(upgraded)
    events = socket.create_connection(("127.0.0.1", port), timeout=10)
    events.sendall(b"GET /_mock/events HTTP/1.1\r\nHost: x\r\n\r\n")
    assert events.recv(4096).startswith(b"HTTP/1.1 200")
    held.append(events)
    time.sleep(0.3)  # let the server take the silent request in
    return held


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_serve_stops_within_2_s_whatever_is_in_flight(
    serve: tuple[subprocess.Popen[str], int], signum: int
) -> None:
    proc, port = serve
    held = _hold_everything_open(port)
    try:
        started = time.monotonic()
        proc.send_signal(signum)
        code = proc.wait(timeout=10)
        took = time.monotonic() - started
    finally:
        for sock in held:
            sock.close()
    assert code == 0
    assert took < 2.0, f"serve took {took:.2f}s to stop"
    assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
