"""`/v1/realtime` text subset (openai-wire.md 4) with `websockets` and the openai SDK's own
Realtime client: GA event names and order, `event_id` everywhere, errors that keep the
session open, Bearer and browser-subprotocol auth."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest
from websockets.exceptions import InvalidStatus

from tests.ws.conftest import KEY, TIMEOUT, recv_json, recv_until, send_json, ws_connect

USER_ITEM = {"type": "message", "role": "user",
             "content": [{"type": "input_text", "text": "Say something"}]}
RESPONSE_ORDER = [
    "response.created", "rate_limits.updated", "response.output_item.added",
    "conversation.item.added", "response.content_part.added",
]
RESPONSE_TAIL = [
    "response.output_text.done", "response.content_part.done", "response.output_item.done",
    "conversation.item.done", "response.done",
]


@pytest.mark.asyncio
async def test_realtime_session_and_text_response_in_ga_order(mockserver) -> None:
    mockserver.stream("Hi from realtime")
    url = mockserver.ws_url + "/realtime?model=gpt-realtime"
    async with ws_connect(url, additional_headers={"Authorization": "Bearer x"}) as ws:
        created = await recv_json(ws)
        assert created["type"] == "session.created"
        assert created["session"]["model"] == "gpt-realtime"
        await send_json(ws, {"type": "session.update", "session": {"type": "realtime",
                                                                  "instructions": "Be brief."}})
        updated = await recv_json(ws)
        assert updated["type"] == "session.updated"
        assert updated["session"]["instructions"] == "Be brief."
        await send_json(ws, {"type": "conversation.item.create", "item": USER_ITEM})
        added, done = await recv_json(ws), await recv_json(ws)
        assert added["type"] == "conversation.item.added"
        assert done["type"] == "conversation.item.done"
        await send_json(ws, {"type": "response.create"})
        events = await recv_until(ws, "response.done")
    types = [e["type"] for e in events]
    assert types[:5] == RESPONSE_ORDER and types[-5:] == RESPONSE_TAIL
    assert set(types[5:-5]) == {"response.output_text.delta"}
    assert "".join(e["delta"] for e in events[5:-5]) == "Hi from realtime"
    assert all(e["event_id"].startswith("event_") for e in [created, updated, added, *events])
    assert events[-1]["response"]["status"] == "completed"
    assert events[-1]["response"]["output"][0]["content"][0]["text"] == "Hi from realtime"


@pytest.mark.asyncio
@pytest.mark.parametrize(("event", "code"), [
    ({"type": "dance"}, "invalid_event"),
    ({"no": "type"}, "invalid_event"),
    ({"type": "session.update", "session": {}}, "missing_required_parameter"),
    ({"type": "response.cancel", "event_id": "evt_7"}, "response_cancel_not_active"),
])
async def test_realtime_errors_are_events_and_the_session_stays_open(
        plain_server, event: dict[str, Any], code: str) -> None:
    async with ws_connect(plain_server.ws_url + "/realtime?model=gpt-realtime") as ws:
        await recv_json(ws)  # session.created
        await send_json(ws, event)
        error = await recv_json(ws)
        assert error["type"] == "error" and error["error"]["code"] == code
        assert error["error"]["type"] == "invalid_request_error"
        assert error["error"]["event_id"] == event.get("event_id")
        await send_json(ws, {"type": "response.create"})
        assert (await recv_until(ws, "response.done"))[-1]["response"]["status"] == "completed"


@pytest.mark.asyncio
async def test_realtime_non_json_frame_is_an_error_event(plain_server) -> None:
    async with ws_connect(plain_server.ws_url + "/realtime") as ws:
        await recv_json(ws)
        await ws.send("{not json")
        assert (await recv_json(ws))["error"]["code"] == "invalid_json"


@pytest.mark.asyncio
async def test_browser_subprotocols_authenticate_and_get_realtime_back(keyed_server) -> None:
    protocols = ["realtime", f"openai-insecure-api-key.{KEY}"]
    async with ws_connect(keyed_server.ws_url + "/realtime?model=gpt-realtime",
                          subprotocols=protocols) as ws:
        assert ws.subprotocol == "realtime"
        assert (await recv_json(ws))["type"] == "session.created"


@pytest.mark.asyncio
async def test_realtime_wrong_key_is_refused_with_401_json(keyed_server) -> None:
    with pytest.raises(InvalidStatus) as info:
        async with ws_connect(keyed_server.ws_url + "/realtime?model=gpt-realtime",
                              additional_headers={"Authorization": "Bearer sk-wrong-key-000"}):
            pass
    assert info.value.response.status_code == 401
    assert b"invalid_api_key" in info.value.response.body


@pytest.mark.asyncio
async def test_beta_header_gets_beta_event_names(plain_server) -> None:
    async with ws_connect(plain_server.ws_url + "/realtime",
                          additional_headers={"OpenAI-Beta": "realtime=v1"}) as ws:
        await recv_json(ws)
        await send_json(ws, {"type": "response.create"})
        types = [e["type"] for e in await recv_until(ws, "response.done")]
    assert "response.text.delta" in types and "conversation.item.created" in types
    assert "response.output_text.delta" not in types and "conversation.item.done" not in types


async def _sdk_text(client: openai.AsyncOpenAI) -> tuple[str, list[str]]:
    text, types = "", []
    async with client.realtime.connect(model="gpt-realtime") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        await conn.conversation.item.create(item=USER_ITEM)  # type: ignore[arg-type]
        await conn.response.create()
        async for event in conn:
            types.append(event.type)
            if event.type == "response.output_text.delta":
                text += event.delta
            if event.type == "response.done":
                break
    return text, types


@pytest.mark.asyncio
async def test_openai_sdk_realtime_client_gets_the_scripted_text(mockserver) -> None:
    mockserver.stream("Text through the SDK")
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=mockserver.base_url,
                                websocket_base_url=mockserver.ws_url, max_retries=0)
    text, types = await asyncio.wait_for(_sdk_text(client), TIMEOUT)
    assert text == "Text through the SDK"
    assert types[0] == "session.created" and types[-1] == "response.done"
    assert mockserver.requests[0].headers["authorization"] == "Bearer sk-test"
