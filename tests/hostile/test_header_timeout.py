"""`--header-timeout` (SPEC 8): a connection that has not sent complete request headers in
time is closed (slowloris), on a new connection and between keep-alive requests; a request
being answered (however slowly) and an upgraded WebSocket are left alone. On both stacks:
`HeaderTimeoutMixin` is in the httptools protocol class as in the h11 one (`mockserver_stack`,
tests/conftest.py)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect

from mockserver import MockServer
from tests.hostile._hostile import closed_by_server

TIMEOUT = 0.5  # the server's header timeout in these tests


@pytest.fixture(scope="module")
def quick(mockserver_stack: tuple[str, str]) -> Iterator[MockServer]:
    http, loop = mockserver_stack
    with MockServer(header_timeout=TIMEOUT, http=http, loop=loop) as running:
        yield running
        running.check()


def test_a_slowloris_connection_is_closed(quick: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", quick.port), timeout=5) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert closed_by_server(sock, dribble=b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")
        assert time.monotonic() - started >= TIMEOUT * 0.8  # not before its time
    httpx.get(f"{quick.url}/_mock/health", timeout=5).raise_for_status()


def test_a_connection_that_sends_nothing_is_closed(quick: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", quick.port), timeout=5) as sock:
        assert closed_by_server(sock)


def test_the_next_request_on_a_keep_alive_connection_gets_the_same_timeout(
    quick: MockServer,
) -> None:
    with socket.create_connection(("127.0.0.1", quick.port), timeout=5) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\n")
        assert closed_by_server(sock, dribble=b"X-Slow: a\r\n")


def test_a_slow_answer_is_not_cut_by_the_header_timeout(quick: MockServer) -> None:
    body = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    reply = httpx.post(f"{quick.base_url}/chat/completions", json=body, timeout=10,
                       headers={"x-mock-fault": f"stall(after=1, seconds={TIMEOUT * 3})"})
    assert reply.status_code == 200 and reply.text.endswith("data: [DONE]\n\n")


@pytest.mark.asyncio
async def test_an_idle_websocket_is_not_cut_by_the_header_timeout(quick: MockServer) -> None:
    async with connect(f"ws://127.0.0.1:{quick.port}/v1/ws/chat", open_timeout=5,
                       close_timeout=2, ping_interval=None) as sock:
        await asyncio.sleep(TIMEOUT * 3)
        await sock.send('{"type":"message","content":"still here"}')
        first = await asyncio.wait_for(sock.recv(), 5)
        assert '"chunk"' in str(first)


def test_a_keep_alive_connection_left_idle_after_an_answer_is_closed(quick: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", quick.port), timeout=5) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        assert closed_by_server(sock)


def test_without_a_header_timeout_a_slow_client_is_kept(
    mockserver_stack: tuple[str, str],
) -> None:
    http, loop = mockserver_stack
    with MockServer(header_timeout=None, http=http, loop=loop) as server, \
            socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n")
        assert not closed_by_server(sock, bound=TIMEOUT * 3)
        sock.sendall(b"\r\n")
        sock.settimeout(5)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
