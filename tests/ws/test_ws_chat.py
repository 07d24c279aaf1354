"""`/v1/ws/chat` (SPEC 2.1) with the `websockets` client: auth, streamed answers, errors, and
bad input that never breaks the server (SPEC 2.2)."""

from __future__ import annotations

import pytest
from websockets.exceptions import ConnectionClosedError

from tests.ws.conftest import KEY, recv_json, recv_until, send_json, ws_connect

MESSAGE = {"type": "message", "model": "gpt-4.1", "content": "hello there", "stream": True}


@pytest.mark.asyncio
async def test_chat_streams_chunks_then_done(mockserver) -> None:
    mockserver.stream("Hello brave new world")
    async with ws_connect(mockserver.ws_url + "/ws/chat") as ws:
        await send_json(ws, {"type": "auth", "api_key": "anything"})
        assert await recv_json(ws) == {"type": "auth_success"}
        await send_json(ws, MESSAGE)
        messages = await recv_until(ws, "done")
    assert messages == [{"type": "chunk", "content": p} for p in
                        ["Hello", " brave", " new", " world"]] + [{"type": "done"}]
    (entry,) = mockserver.requests
    assert entry.path.endswith("/v1/ws/chat") and entry.status == 101
    assert entry.body == [{"type": "auth", "api_key": "anything"}, MESSAGE]


@pytest.mark.asyncio
async def test_chat_default_reply_without_scenario_and_without_auth(plain_server) -> None:
    async with ws_connect(plain_server.ws_url + "/ws/chat") as ws:
        await send_json(ws, {"type": "message", "content": "ping"})
        messages = await recv_until(ws, "done")
    assert "".join(m.get("content", "") for m in messages) == "You said: ping"


@pytest.mark.asyncio
async def test_chat_sequence_answers_each_message_in_order(mockserver) -> None:
    mockserver.sequence("first answer", "second answer")
    async with ws_connect(mockserver.ws_url + "/ws/chat") as ws:
        texts = []
        for _ in range(2):
            await send_json(ws, MESSAGE)
            texts.append("".join(m.get("content", "") for m in await recv_until(ws, "done")))
    assert texts == ["first answer", "second answer"]


@pytest.mark.asyncio
async def test_chat_stream_false_sends_one_chunk(mockserver) -> None:
    mockserver.stream("all at once")
    async with ws_connect(mockserver.ws_url + "/ws/chat") as ws:
        await send_json(ws, {**MESSAGE, "stream": False})
        assert await recv_until(ws, "done") == [
            {"type": "chunk", "content": "all at once"}, {"type": "done"}]


@pytest.mark.asyncio
async def test_chat_wrong_key_gets_error_and_close_1008(keyed_server) -> None:
    async with ws_connect(keyed_server.ws_url + "/ws/chat") as ws:
        await send_json(ws, {"type": "auth", "api_key": "sk-wrong"})
        assert (await recv_json(ws))["type"] == "error"
        with pytest.raises(ConnectionClosedError) as info:
            await recv_json(ws)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1008


@pytest.mark.asyncio
async def test_chat_message_before_auth_is_refused_when_a_key_is_required(keyed_server) -> None:
    async with ws_connect(keyed_server.ws_url + "/ws/chat") as ws:
        await send_json(ws, MESSAGE)
        assert "Not authenticated" in (await recv_json(ws))["message"]
        with pytest.raises(ConnectionClosedError):
            await recv_json(ws)


@pytest.mark.asyncio
async def test_chat_right_key_by_message_or_bearer_header(keyed_server) -> None:
    async with ws_connect(keyed_server.ws_url + "/ws/chat") as ws:
        await send_json(ws, {"type": "auth", "api_key": KEY})
        assert await recv_json(ws) == {"type": "auth_success"}
    headers = {"Authorization": f"Bearer {KEY}"}
    async with ws_connect(keyed_server.ws_url + "/ws/chat", additional_headers=headers) as ws:
        await send_json(ws, MESSAGE)
        assert (await recv_until(ws, "done"))[-1] == {"type": "done"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("frame", "words"), [
    ("this is not json", "Invalid JSON"),
    (b"\x00\x01binary", "Binary messages"),
    ('["a", "list"]', "Invalid message"),
    ('{"type": "dance"}', "Unknown message type 'dance'"),
    ('{"type": "message", "model": "gpt-9000", "content": "x"}', "does not exist"),
    ('{"type": "message", "content": 42}', "content"),
])
async def test_chat_bad_input_gets_an_error_message_and_the_socket_stays_open(
        plain_server, frame: str | bytes, words: str) -> None:
    async with ws_connect(plain_server.ws_url + "/ws/chat") as ws:
        await ws.send(frame)
        error = await recv_json(ws)
        assert error["type"] == "error" and words in error["message"]
        await send_json(ws, MESSAGE)
        assert (await recv_until(ws, "done"))[-1] == {"type": "done"}


@pytest.mark.asyncio
async def test_oversized_frame_closes_1009_and_the_server_keeps_serving(plain_server) -> None:
    async with ws_connect(plain_server.ws_url + "/ws/chat", max_size=None) as ws:
        await ws.send("x" * (16 * 1024 * 1024 + 1))
        with pytest.raises(ConnectionClosedError) as info:
            await recv_json(ws)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1009
    async with ws_connect(plain_server.ws_url + "/ws/chat") as ws:
        await send_json(ws, MESSAGE)
        assert (await recv_until(ws, "done"))[-1] == {"type": "done"}


@pytest.mark.asyncio
async def test_unknown_ws_path_is_refused_at_the_handshake(plain_server) -> None:
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as info:
        async with ws_connect(plain_server.ws_url + "/ws/nothing-here"):
            pass
    assert info.value.response.status_code == 403
