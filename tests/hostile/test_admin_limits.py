"""The admin API under hostile bodies (SPEC 8): the size limit holds before the body is
read (Content-Length, and while a chunked body streams in), YAML bombs get 422 naming the
limit, strict JSON, and every failure in the OpenAI error shape (never uvicorn's plain-text
500). The server keeps serving after each."""

from __future__ import annotations

import select
import socket
import time
import uuid

import httpx
import pytest
from _hostile import assert_still_serving, strict_journal

from mockserver import MockServer

LIMIT = 1024 * 1024


def laughs_scenario() -> str:
    """The campaign's bomb: about 900 bytes of YAML, 9**9 nodes once expanded."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return ("response:\n  tool_calls:\n    - name: f\n      arguments:\n"
            + "".join(f"        {line}\n" for line in lines))


def read_response(sock: socket.socket) -> bytes:
    data = b""
    sock.settimeout(10)
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_a_declared_100_mb_body_gets_413_before_it_is_sent(server: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /_mock/scenarios HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/yaml\r\nContent-Length: 104857600\r\n\r\n"
                     + b"x" * 1024)
        reply = read_response(sock)  # answered although 100 MB minus 1 KiB never came
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), reply[:200]
    assert b'"code":"request_too_large"' in body and b'"type":"invalid_request_error"' in body
    assert_still_serving(server)


def test_a_chunked_body_gets_413_as_soon_as_it_passes_the_limit(server: MockServer) -> None:
    piece = b"y" * 65536
    sent = 0
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /_mock/scenarios HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n")
        while sent < 100 * LIMIT:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            except OSError:  # the server answered and closed while we were still sending
                break
            sent += len(piece)
        reply = read_response(sock)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert sent < 8 * LIMIT  # stopped near the limit, not at 100 MiB
    assert_still_serving(server)


def test_the_billion_laughs_gets_422_naming_the_limit_at_once(server: MockServer) -> None:
    lane = f"bomb-{uuid.uuid4().hex[:6]}"
    text = laughs_scenario()
    assert len(text) < 1000
    started = time.monotonic()
    reply = httpx.post(f"{server.url}/_mock/scenarios?lane={lane}", content=text,
                       headers={"content-type": "application/yaml"}, timeout=30)
    took = time.monotonic() - started
    assert reply.status_code == 422, reply.text
    error = reply.json()["error"]
    assert error["code"] == "yaml_budget_exceeded" and error["param"] == "max_nodes"
    assert "more than 10000 nodes" in error["message"]
    assert took < 5  # generous on a loaded machine; unbudgeted, it never answered (7 GB)
    assert_still_serving(server)


@pytest.mark.parametrize(("body", "content_type", "words"), [
    ("[" * 100_000, "application/yaml", "max_depth"),
    ("- " * 5000 + "x", "application/yaml", "max_depth"),
    ("a: &a [1, *a]", "application/yaml", "recursive_alias"),
    ("[" * 10_000 + "]" * 10_000, "application/json", "nested deeper than 256 levels"),
    ('{"response": {"text": "\\ud800"}}', "application/json", "lone UTF-16 surrogate"),
    ('{"timing": {"chunk_ms": NaN}}', "application/json", "NaN is not valid JSON"),
    ('{"timing": {"chunk_ms": 1e999}}', "application/json", "out of range"),
    ("timing: {chunk_ms: .nan}", "application/yaml", "expected a finite number"),
    ("faults: ['stall(seconds=nan)']", "application/yaml", "must be a number"),
])
def test_hostile_admin_bodies_get_422_in_the_openai_shape(
    server: MockServer, body: str, content_type: str, words: str
) -> None:
    reply = httpx.post(f"{server.url}/_mock/scenarios", content=body.encode(),
                       headers={"content-type": content_type}, timeout=30)
    assert reply.status_code == 422, reply.text[:300]
    error = reply.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert words in error["message"]
    strict_journal(server.url)
    assert_still_serving(server)


def test_a_bug_in_the_admin_api_is_a_json_500_not_uvicorns_text(
    server: MockServer, monkeypatch: pytest.MonkeyPatch, server_log: pytest.LogCaptureFixture
) -> None:
    from mockserver.transport import admin, faillog

    def broken() -> list[object]:
        raise RuntimeError("catalogue exploded")

    monkeypatch.setattr(admin, "catalog", broken)
    # what the process has seen fail so far: empty, as in a fresh server (this test runs once
    # per stack in the same process, and the first run has seen this failure)
    monkeypatch.setattr(faillog, "_SEEN", set())
    for _ in range(3):
        reply = httpx.get(f"{server.url}/_mock/catalog", timeout=10)
        assert reply.status_code == 500
        assert reply.headers["content-type"] == "application/json"
        assert reply.json()["error"]["type"] == "server_error"
        assert "catalogue exploded" in reply.json()["error"]["message"]
    assert len(server.state.errors) == 3
    server.state.errors.clear()  # seen; the module's server must end clean
    # one log line each, the traceback only the first time this failure is seen
    records = [r for r in server_log.records if "internal error" in r.getMessage()]
    assert len(records) == 3
    assert [r.exc_info is not None for r in records] == [True, False, False]
    assert "(traceback shown once)" in records[2].getMessage()
    monkeypatch.undo()
    assert_still_serving(server)
