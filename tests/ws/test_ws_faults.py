"""Every `ws_*` fault (SPEC 4, failure-modes 2.3) as a real client sees it: `websockets`,
the openai SDK, and raw frames where the frame structure is the point."""

from __future__ import annotations

import asyncio
import json

import openai
import pytest
from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK, InvalidStatus
from websockets.frames import Opcode

from tests.ws.conftest import TIMEOUT, raw_frames, recv_json, recv_until, send_json, ws_connect

MESSAGE = {"type": "message", "model": "gpt-4.1", "content": "hi"}
TEXT = "one two three four"


def chat_url(mockserver) -> str:
    return mockserver.ws_url + "/ws/chat"


@pytest.mark.asyncio
async def test_ws_reject_by_header_raises_invalid_status_with_json_body(plain_server) -> None:
    headers = {"X-Mock-Fault": "ws_reject(status=429, retry_after=3)"}
    with pytest.raises(InvalidStatus) as info:
        async with ws_connect(plain_server.ws_url + "/realtime", additional_headers=headers):
            pass
    response = info.value.response
    assert response.status_code == 429 and response.headers["retry-after"] == "3"
    assert json.loads(response.body)["error"]["type"] == "requests"


@pytest.mark.asyncio
async def test_ws_reject_401_through_the_openai_sdk(mockserver) -> None:
    mockserver.stream("never sent", faults=["ws_reject(status=401)"])
    client = openai.AsyncOpenAI(api_key="k", base_url=mockserver.base_url,
                                websocket_base_url=mockserver.ws_url, max_retries=0)
    with pytest.raises(InvalidStatus) as info:
        async with client.realtime.connect(model="gpt-realtime"):
            pass
    assert info.value.response.status_code == 401


@pytest.mark.asyncio
async def test_ws_auth_error_on_realtime_error_event_then_close_1008(mockserver) -> None:
    mockserver.stream("x", faults="ws_auth_error")
    async with ws_connect(mockserver.ws_url + "/realtime") as ws:
        error = await recv_json(ws)
        assert error["type"] == "error" and error["error"]["code"] == "invalid_api_key"
        with pytest.raises(ConnectionClosedError) as info:
            await recv_json(ws)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1008


@pytest.mark.asyncio
async def test_ws_auth_error_on_responses_answers_the_first_request(mockserver) -> None:
    mockserver.stream("x", faults="ws_auth_error")
    async with ws_connect(mockserver.ws_url + "/responses") as ws:
        await send_json(ws, {"type": "response.create", "model": "gpt-4.1", "input": "x"})
        error = await recv_json(ws)
        assert error["status"] == 401 and error["error"]["code"] == "invalid_api_key"
        with pytest.raises(ConnectionClosedError):
            await recv_json(ws)


@pytest.mark.asyncio
async def test_ws_close_1006_drops_without_a_close_frame(mockserver) -> None:
    mockserver.stream(TEXT, faults="ws_close(after=2, code=1006)")
    async with ws_connect(chat_url(mockserver)) as ws:
        await send_json(ws, MESSAGE)
        assert [(await recv_json(ws))["content"] for _ in range(2)] == ["one", " two"]
        with pytest.raises(ConnectionClosedError) as info:
            await recv_json(ws)
    assert info.value.rcvd is None and info.value.sent is None
    assert "no close frame received or sent" in str(info.value)


@pytest.mark.asyncio
async def test_ws_close_with_code_and_reason(mockserver) -> None:
    mockserver.stream(TEXT, faults="ws_close(after=3, code=1011, reason=upstream boom)")
    async with ws_connect(chat_url(mockserver)) as ws:
        await send_json(ws, MESSAGE)
        with pytest.raises(ConnectionClosedError) as info:
            await recv_until(ws, "done")
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (1011, "upstream boom")


@pytest.mark.asyncio
async def test_ws_close_1000_mid_answer_ends_async_for_silently(mockserver) -> None:
    mockserver.stream(TEXT, faults="ws_close(after=2, code=1000)")
    received = []
    async with ws_connect(chat_url(mockserver)) as ws:
        await send_json(ws, MESSAGE)
        async for message in ws:
            received.append(json.loads(message))
    assert len(received) == 2 and received[-1]["type"] == "chunk"  # no "done": truncated


@pytest.mark.asyncio
async def test_ws_close_1005_sends_a_close_frame_without_code(mockserver) -> None:
    mockserver.stream(TEXT, faults="ws_close(after=1, code=1005)")
    async with ws_connect(chat_url(mockserver)) as ws:
        await send_json(ws, MESSAGE)
        await recv_json(ws)
        with pytest.raises((ConnectionClosedOK, ConnectionClosedError)) as info:
            await recv_json(ws)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1005


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["not_json", "truncated_json"])
async def test_ws_malformed_text_is_not_json(mockserver, kind: str) -> None:
    mockserver.stream(TEXT, faults=f"ws_malformed(at=2, kind={kind})")
    async with ws_connect(chat_url(mockserver)) as ws:
        await send_json(ws, MESSAGE)
        await recv_json(ws)
        with pytest.raises(json.JSONDecodeError):
            await recv_json(ws)


@pytest.mark.asyncio
async def test_ws_malformed_binary_arrives_as_bytes(mockserver) -> None:
    mockserver.stream(TEXT, faults="ws_malformed(at=1, kind=binary)")
    async with ws_connect(chat_url(mockserver)) as ws:
        await send_json(ws, MESSAGE)
        first = await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert first == b'{"type":"chunk","content":"one"}'


@pytest.mark.asyncio
async def test_ws_malformed_unknown_type_on_realtime_keeps_the_text(mockserver) -> None:
    mockserver.stream("still whole", faults="ws_malformed(at=8, kind=unknown_type)")
    async with ws_connect(mockserver.ws_url + "/realtime") as ws:
        await recv_json(ws)
        await send_json(ws, {"type": "response.create"})
        events = await recv_until(ws, "response.done")
    assert "mockserver.unknown_event" in [e["type"] for e in events]
    assert "".join(e.get("delta", "") for e in events) == "still whole"


@pytest.mark.asyncio
async def test_ws_malformed_truncated_json_makes_the_sdk_recv_raise(mockserver) -> None:
    mockserver.stream("x", faults="ws_malformed(at=1, kind=truncated_json)")
    client = openai.AsyncOpenAI(api_key="k", base_url=mockserver.base_url,
                                websocket_base_url=mockserver.ws_url, max_retries=0)

    async def first_event() -> None:
        async with client.realtime.connect(model="gpt-realtime") as conn:
            await conn.recv()

    with pytest.raises(json.JSONDecodeError):
        await asyncio.wait_for(first_event(), TIMEOUT)


@pytest.mark.asyncio
async def test_ws_fragmented_is_several_frames_with_a_ping_on_the_wire(mockserver) -> None:
    mockserver.stream(TEXT, faults="ws_fragmented(at=1, pieces=3, ping=true)", times=1)
    frames = await raw_frames(chat_url(mockserver), [json.dumps(MESSAGE)],
                              until=lambda fs: sum(f.fin and f.opcode != Opcode.PING
                                                   for f in fs) >= 2)
    opcodes = [(f.opcode, f.fin) for f in frames[:5]]
    assert opcodes == [(Opcode.TEXT, False), (Opcode.PING, True), (Opcode.CONT, False),
                       (Opcode.CONT, True), (Opcode.TEXT, True)]
    whole = b"".join(f.data for f in frames[:4] if f.opcode != Opcode.PING)
    assert json.loads(whole) == {"type": "chunk", "content": "one"}


@pytest.mark.asyncio
async def test_ws_fragmented_message_is_reassembled_by_websockets(mockserver) -> None:
    mockserver.stream("Grüße 你好 🙂", faults="ws_fragmented(at=1, pieces=7, ping=true)")
    async with ws_connect(chat_url(mockserver)) as ws:
        await send_json(ws, MESSAGE)
        messages = await recv_until(ws, "done")
    assert "".join(m.get("content", "") for m in messages) == "Grüße 你好 🙂"


@pytest.mark.asyncio
async def test_ws_no_pong_makes_the_client_close_1011(mockserver) -> None:
    mockserver.stream("x", faults="ws_no_pong")
    async with ws_connect(mockserver.ws_url + "/realtime", ping_interval=0.1,
                          ping_timeout=0.2) as ws:
        await recv_json(ws)  # session.created
        with pytest.raises(ConnectionClosedError) as info:
            await recv_json(ws)
    assert info.value.sent is not None and info.value.sent.code == 1011
    assert "keepalive ping timeout" in info.value.sent.reason


@pytest.mark.asyncio
async def test_without_ws_no_pong_pings_are_answered(mockserver) -> None:
    async with ws_connect(mockserver.ws_url + "/realtime", ping_interval=0.05,
                          ping_timeout=0.5) as ws:
        await recv_json(ws)
        latency = await asyncio.wait_for(await ws.ping(), TIMEOUT)
        assert latency is not None and latency >= 0


@pytest.mark.asyncio
async def test_ws_stall_silence_then_the_answer_continues(mockserver) -> None:
    mockserver.stream(TEXT, faults="ws_stall(after=1, seconds=1)")
    async with ws_connect(chat_url(mockserver)) as ws:
        await send_json(ws, MESSAGE)
        assert (await recv_json(ws))["content"] == "one"
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(ws.recv(), 0.2)
        rest = await recv_until(ws, "done")
    assert "".join(m.get("content", "") for m in rest) == " two three four"
