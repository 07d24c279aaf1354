"""The raw stream as httpx, httpx-sse and a bare socket see it: headers, framing, identity
with the compiled plan, and one flushed write per event."""

from __future__ import annotations

import json
import socket

import httpx
from httpx_sse import connect_sse

from mockserver import MockServer

BODY = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "Hi"}], "stream": True}


def test_httpx_sse_reads_data_only_events_ending_with_done(base_url: str) -> None:
    with httpx.Client(timeout=5) as client:
        with connect_sse(client, "POST", f"{base_url}/chat/completions", json=BODY) as source:
            response = source.response
            events = list(source.iter_sse())
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["x-request-id"].startswith("req_")
    assert response.headers["openai-version"] == "2020-10-01"
    assert response.headers["x-ratelimit-reset-requests"] == "6ms"
    assert response.headers["transfer-encoding"] == "chunked"
    assert all(e.event == "message" and e.id == "" for e in events)
    assert events[-1].data == "[DONE]"
    chunks = [json.loads(e.data) for e in events[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}


def test_same_lane_index_and_seed_replay_identical_bytes() -> None:
    bodies = []
    for _ in range(2):
        with MockServer(seed=5) as srv, httpx.Client(timeout=5) as client:
            bodies.append(client.post(f"{srv.base_url}/chat/completions", json=BODY).content)
    assert bodies[0] == bodies[1]
    assert b'"id":"chatcmpl-' in bodies[0]


def _raw_reads(port: int, path: str, body: bytes, headers: str = "") -> list[bytes]:
    request = (
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n{headers}connection: close\r\n\r\n"
    ).encode() + body
    reads = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        while True:
            data = sock.recv(65536)
            if not data:
                break
            reads.append(data)
    return reads


def test_raw_socket_sees_chunked_framing_and_the_plan_bytes(server: MockServer, lane: str) -> None:
    server.enqueue({"seed": 9, "response": {"text": "one two"}}, lane=lane)
    raw = b"".join(
        _raw_reads(server.port, f"/lane/{lane}/v1/chat/completions", json.dumps(BODY).encode())
    )
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"transfer-encoding: chunked" in head.lower()
    assert body.endswith(b"0\r\n\r\n")
    decoded = b""
    rest = body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        decoded += rest[:size]
        rest = rest[size + 2 :]
    plan = server.requests(lane)[-1].plan
    assert plan is not None and decoded == plan.body()


def _read_response(sock: socket.socket, buffered: bytes) -> tuple[bytes, bytes, bytes]:
    """(head, de-chunked body, bytes after the terminator) of one chunked response."""
    data = bytearray(buffered)
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    end = data.index(b"\r\n\r\n")
    head, pos, body = bytes(data[:end]), end + 4, bytearray()
    while True:
        while data.find(b"\r\n", pos) < 0:
            data += sock.recv(65536)
        line_end = data.index(b"\r\n", pos)
        size = int(data[pos:line_end], 16)
        pos = line_end + 2
        while len(data) < pos + size + 2:
            data += sock.recv(65536)
        if size == 0:
            return head, bytes(body), bytes(data[pos + 2 :])
        body += data[pos : pos + size]
        pos += size + 2


def test_streams_on_one_keep_alive_connection_each_end_with_the_terminator(
    server: MockServer, lane: str
) -> None:
    """The player writes chunk frames itself and leaves head and terminator to uvicorn: the
    HTTP state must stay right, so the next request on the connection is answered too."""
    server.enqueue({"seed": 1, "response": {"chunks": {"repeat": "a", "times": 3}}},
                   {"seed": 2, "response": {"text": "second answer"}}, lane=lane)
    payload = json.dumps(BODY).encode()
    request = (
        f"POST /lane/{lane}/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        f"content-type: application/json\r\ncontent-length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    bodies = []
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        rest = b""
        for _ in range(3):
            sock.sendall(request)
            head, body, rest = _read_response(sock, rest)
            assert head.startswith(b"HTTP/1.1 200 OK") and b"connection: close" not in head
            bodies.append(body)
    assert [body.count(b"\n\n") for body in bodies] == [3 + 3, 2 + 3, 3 + 3]
    assert b'"content":"second"' in bodies[1] and b'"content":" Hi"' in bodies[2]
    assert all(body.endswith(b"data: [DONE]\n\n") for body in bodies)
    assert [entry.outcome for entry in server.requests(lane)] == ["completed"] * 3


def test_a_slow_reader_gets_a_long_stream_intact(server: MockServer, lane: str) -> None:
    """Flow control: the reader takes 4 KiB at a time from a small receive buffer, so the
    server's writes back up and it must wait for the client (drain) rather than lose bytes."""
    times = 40_000
    server.enqueue({"response": {"chunks": {"repeat": "tok", "times": times}}}, lane=lane)
    payload = json.dumps(BODY).encode()
    request = (
        f"POST /lane/{lane}/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        f"content-type: application/json\r\ncontent-length: {len(payload)}\r\n"
        "connection: close\r\n\r\n"
    ).encode() + payload
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(10)
        sock.connect(("127.0.0.1", server.port))
        sock.sendall(request)
        head, body, _ = _read_response(sock, b"")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert body.count(b'"delta":{"content":"tok"}') == times
    assert body.endswith(b"data: [DONE]\n\n")
