"""Hostile WebSocket messages on /v1/ws/chat, /v1/realtime and /v1/responses (SPEC 8): too
deep, NaN, lone surrogates and plain garbage get the protocol's own error message and the
socket stays open; text that is not UTF-8 closes with 1007, a message past the size limit
with 1009, a server bug with 1011: each with a close frame, never a bare TCP drop."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from _hostile import assert_still_serving, strict_journal
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from mockserver import MockServer

PATHS = ["/v1/ws/chat", "/v1/realtime", "/v1/responses"]
HOSTILE = {
    "deep": "[" * 10_000 + "]" * 10_000,
    "deep_object": '{"a":' * 300 + "1" + "}" * 300,
    "lone_surrogate": '{"type":"message","model":"gpt-4.1","content":"\\ud800"}',
    "nan": '{"type":"response.create","model":"gpt-4.1","input":"hi","temperature":NaN}',
    "overflow": '{"type":"session.update","session":{"type":"realtime","x":1e999}}',
    "garbage": "\x00not json at all",
}
TIMEOUT = 5.0
SURROGATE_MESSAGE = '{"type":"message","content":"\\ud800","model":"gpt-4.1","stream":true}'


@pytest.fixture(scope="module")
def small_ws_server() -> Iterator[MockServer]:
    with MockServer(ws_max_size=64 * 1024) as running:
        yield running
        running.check()


def ws(url: str) -> Any:
    return connect(url, open_timeout=TIMEOUT, close_timeout=2, ping_interval=None,
                   max_size=None)


async def error_after(sock: Any, path: str) -> dict[str, Any]:
    """The protocol's error message that answers the message just sent."""
    while True:
        message = json.loads(await asyncio.wait_for(sock.recv(), TIMEOUT))
        if message.get("type") == "error":
            return message
        assert path == "/v1/realtime" and message["type"] == "session.created", message


@pytest.mark.asyncio
@pytest.mark.parametrize("path", PATHS)
async def test_hostile_messages_get_the_protocols_error_and_the_socket_stays_open(
    server: MockServer, path: str
) -> None:
    url = f"ws://127.0.0.1:{server.port}{path}"
    async with ws(url) as sock:
        for name, text in HOSTILE.items():
            await sock.send(text)
            error = await error_after(sock, path)
            if path == "/v1/ws/chat":
                assert error["message"].startswith("Invalid JSON"), (name, error)
            else:
                assert error["error"]["code"] == "invalid_json", (name, error)
                assert error["error"]["type"] == "invalid_request_error"
        await sock.send(json.dumps({"type": "response.create", "model": "gpt-4.1",
                                    "input": "still there?"} if path == "/v1/responses" else
                                   {"type": "message", "content": "still there?"}))
        answer = json.loads(await asyncio.wait_for(sock.recv(), TIMEOUT))
        assert answer["type"] != "error" or path == "/v1/realtime"
    strict_journal(server.url)
    assert_still_serving(server)


@pytest.mark.asyncio
async def test_the_campaigns_lone_surrogate_chat_message_no_longer_drops_the_socket(
    server: MockServer,
) -> None:
    lane = "ws-surrogate"
    async with ws(f"ws://127.0.0.1:{server.port}/lane/{lane}/v1/ws/chat") as sock:
        await sock.send(SURROGATE_MESSAGE)
        error = json.loads(await asyncio.wait_for(sock.recv(), TIMEOUT))
        assert error["type"] == "error" and "lone UTF-16 surrogate" in error["message"]
    (entry,) = strict_journal(server.url, lane)["requests"]
    assert entry["outcome"] == "completed"
    assert entry["body"] == [SURROGATE_MESSAGE]  # kept as the text it is: not strict JSON


async def _raw_text_frame(port: int, path: str, payload: bytes) -> bytes:
    """Upgrade by hand, send one masked text frame holding `payload`, return what comes back."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                 f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n".encode())
    await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
    writer.write(bytes([0x81, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
    data = b""
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), TIMEOUT):
            data += chunk
    finally:
        writer.close()
    return data


@pytest.mark.asyncio
@pytest.mark.parametrize("path", PATHS)
async def test_text_that_is_not_utf8_closes_1007_with_a_close_frame_and_one_log_line(
    logging_server: MockServer, server_log: pytest.LogCaptureFixture, path: str
) -> None:
    data = await _raw_text_frame(logging_server.port, path, b'{"type":"\xff\xfe"}')
    close = data[data.index(b"\x88"):]  # the close frame, after any opening message
    code = int.from_bytes(close[2:4], "big")
    assert code == 1007 and b"invalid UTF-8" in close
    lines = [r for r in server_log.records if "not UTF-8" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert not any(r.exc_info for r in server_log.records)


@pytest.mark.asyncio
@pytest.mark.parametrize("path", PATHS)
async def test_a_message_past_the_size_limit_closes_1009_with_a_reason(
    small_ws_server: MockServer, path: str
) -> None:
    async with ws(f"ws://127.0.0.1:{small_ws_server.port}{path}") as sock:
        await sock.send("x" * (64 * 1024 + 1))
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await asyncio.wait_for(sock.recv(), TIMEOUT)
    assert info.value.rcvd is not None, "dropped without a close frame"
    assert info.value.rcvd.code == 1009 and info.value.rcvd.reason


@pytest.mark.asyncio
async def test_a_server_bug_closes_1011_with_a_close_frame(
    server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mockserver.core.ws.session import WsSession

    def broken(self: WsSession, data: object) -> object:
        raise RuntimeError("session exploded")

    monkeypatch.setattr(WsSession, "stream", broken)
    async with ws(f"ws://127.0.0.1:{server.port}/v1/ws/chat") as sock:
        await sock.send('{"type":"message","content":"hi"}')
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(sock.recv(), TIMEOUT)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1011
    assert info.value.rcvd.reason == "mockserver internal error"
    assert len(server.state.errors) == 1
    server.state.errors.clear()
