"""`/v1/responses` WebSocket mode (openai-wire.md 3.7) with `websockets` and the openai SDK's
Responses WebSocket client: the SSE event objects as JSON frames, `stream_id` echoed, and the
WebSocket error frame `{"type":"error","status":...,"error":{...}}`."""

from __future__ import annotations

import asyncio
import json

import openai
import pytest
from websockets.exceptions import InvalidStatus

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.scenario import Response
from mockserver.sse import SSEDecoder
from tests.ws.conftest import KEY, TIMEOUT, recv_json, recv_until, send_json, ws_connect

CREATE = {"type": "response.create", "model": "gpt-4.1", "input": "Hello"}
TERMINAL = ("response.completed", "response.failed", "response.incomplete", "error")


@pytest.mark.asyncio
async def test_responses_ws_frames_are_the_sse_event_objects(mockserver) -> None:
    mockserver.stream("Same words on both transports")
    async with ws_connect(mockserver.ws_url + "/responses") as ws:
        await send_json(ws, CREATE)
        frames = await recv_until(ws, TERMINAL)
    assert mockserver.requests[0].status == 101
    assert [f["sequence_number"] for f in frames] == list(range(len(frames)))
    assert frames[0]["type"] == "response.created" and frames[-1]["type"] == "response.completed"
    text = "".join(f["delta"] for f in frames if f["type"] == "response.output_text.delta")
    assert text == "Same words on both transports"


def test_ws_payloads_equal_the_sse_data_for_the_same_response_and_seed() -> None:
    from mockserver.core.models import ModelCatalog
    from mockserver.core.ws.ops import sends
    from mockserver.core.ws.protocol import WsSetup
    from mockserver.core.ws.session import WsSession

    response = Response(text="Exactly the same bytes")
    setup = WsSetup(protocol="responses", responses=(response,), seed=11, models=ModelCatalog())
    session = WsSession(setup)
    session.handshake()
    ws_frames = [op.data for op in sends(session.receive(json.dumps(CREATE)))]
    body = {k: v for k, v in CREATE.items() if k != "type"}
    plan = compile_plan(view_for("responses", "/v1/responses", {**body, "stream": True}),
                        response=response, seed=11, model="gpt-4.1-2025-04-14")
    sse = [event.data for event in SSEDecoder().decode(plan.body())]
    assert ws_frames == sse


@pytest.mark.asyncio
async def test_stream_id_is_echoed_on_every_frame(plain_server) -> None:
    async with ws_connect(plain_server.ws_url + "/responses") as ws:
        await send_json(ws, {**CREATE, "stream_id": "lane_1"})
        frames = await recv_until(ws, TERMINAL)
    assert {f["stream_id"] for f in frames} == {"lane_1"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("frame", "code"), [
    ("not json", "invalid_json"),
    ('{"type": "response.steer"}', "invalid_event"),
    ('{"type": "response.create", "model": "gpt-9000"}', "model_not_found"),
    ('{"type": "response.create", "model": "gpt-4.1", "temperature": "hot"}', "invalid_type"),
])
async def test_bad_requests_get_the_ws_error_frame_and_the_socket_stays_open(
        plain_server, frame: str, code: str) -> None:
    async with ws_connect(plain_server.ws_url + "/responses") as ws:
        await ws.send(frame)
        error = await recv_json(ws)
        assert error["type"] == "error" and error["status"] == 400
        assert error["error"]["code"] == code
        await send_json(ws, CREATE)
        assert (await recv_until(ws, TERMINAL))[-1]["type"] == "response.completed"


@pytest.mark.asyncio
async def test_scripted_error_reply_becomes_an_error_frame_with_its_status(mockserver) -> None:
    mockserver.error(429, message="Slow down")
    async with ws_connect(mockserver.ws_url + "/responses") as ws:
        await send_json(ws, CREATE)
        error = await recv_json(ws)
    assert error == {"type": "error", "status": 429, "error": {
        "type": "requests", "code": None, "message": "Slow down", "param": None}}


@pytest.mark.asyncio
async def test_responses_ws_wrong_key_is_refused_with_401(keyed_server) -> None:
    with pytest.raises(InvalidStatus) as info:
        async with ws_connect(keyed_server.ws_url + "/responses"):
            pass
    assert info.value.response.status_code == 401
    async with ws_connect(keyed_server.ws_url + "/responses",
                          additional_headers={"Authorization": f"Bearer {KEY}"}) as ws:
        await send_json(ws, CREATE)
        assert (await recv_until(ws, TERMINAL))[-1]["type"] == "response.completed"


async def _sdk_run(client: openai.AsyncOpenAI) -> tuple[str, list[str]]:
    text, types = "", []
    async with client.responses.connect() as conn:
        await conn.response.create(model="gpt-4.1", input="Hello")
        async for event in conn:
            types.append(event.type)
            if event.type == "response.output_text.delta":
                text += event.delta
            if event.type in TERMINAL:
                break
    return text, types


@pytest.mark.asyncio
async def test_openai_sdk_responses_websocket_client(mockserver) -> None:
    mockserver.stream("Through the SDK socket")
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=mockserver.base_url,
                                websocket_base_url=mockserver.ws_url, max_retries=0)
    text, types = await asyncio.wait_for(_sdk_run(client), TIMEOUT)
    assert text == "Through the SDK socket"
    assert types[0] == "response.created" and types[-1] == "response.completed"
