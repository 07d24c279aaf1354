"""How a WebSocket connection chooses what it gets (SPEC 2.3): `ws:` scripts from the fixture,
named scenarios by URL and header (from a YAML library), the lane queue, chaos, journal."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK

from fixtures.library import load_library_file
from mockserver import MockServer
from tests.ws.conftest import recv_json, recv_until, send_json, ws_connect

LIBRARY = """
- name: ws-drop
  times: always
  response: {text: "alpha beta gamma"}
  faults: ["ws_close(after=1, code=1006)"]
- name: ws-scripted
  times: always
  response:
    ws:
      - send: {type: hello}
      - expect: {type: ping}
      - send: {type: pong}
      - close: {code: 4000, reason: script over}
"""
MESSAGE = {"type": "message", "content": "hi"}


@pytest.fixture(scope="module")
def library_server() -> Iterator[MockServer]:
    with MockServer(scenarios=load_library_file(LIBRARY, "ws.yaml")) as server:
        yield server
        server.check()


@pytest.mark.asyncio
async def test_fixture_ws_script_plays_exactly_and_expects_client_messages(mockserver) -> None:
    mockserver.ws([{"send": {"type": "session.created"}}, {"expect": {"type": "go"}},
                   {"send": "raw, not json"}, {"close": {"code": 1001, "reason": "bye"}}])
    async with ws_connect(mockserver.ws_url + "/realtime") as ws:
        assert await recv_json(ws) == {"type": "session.created"}
        await send_json(ws, {"type": "go", "extra": True})
        assert await ws.recv() == "raw, not json"
        with pytest.raises(ConnectionClosedOK) as info:
            await ws.recv()
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (1001, "bye")


@pytest.mark.asyncio
async def test_script_expectation_mismatch_closes_1008_and_lands_in_the_journal(mockserver) -> None:
    mockserver.ws([{"expect": {"type": "auth"}}, {"send": {"type": "auth_success"}}])
    async with ws_connect(mockserver.ws_url + "/ws/chat") as ws:
        await send_json(ws, MESSAGE)
        with pytest.raises(ConnectionClosedError) as info:
            await ws.recv()
    assert info.value.rcvd.code == 1008
    for _ in range(200):  # the entry is finished once the server has seen the close
        if mockserver.requests[0].outcome != "pending":
            break
        await asyncio.sleep(0.01)
    assert "expected a message matching" in (mockserver.requests[0].error or "")


@pytest.mark.asyncio
async def test_named_scenario_by_url_prefix(library_server) -> None:
    url = library_server.url_for("/scenario/ws-drop/v1/ws/chat").replace("http", "ws", 1)
    async with ws_connect(url) as ws:
        await send_json(ws, MESSAGE)
        assert (await recv_json(ws))["content"] == "alpha"
        with pytest.raises(ConnectionClosedError) as info:
            await recv_json(ws)
    assert info.value.rcvd is None


@pytest.mark.asyncio
async def test_named_scenario_by_header(library_server) -> None:
    headers = {"X-Mock-Scenario": "ws-scripted"}
    async with ws_connect(library_server.ws_url + "/responses", additional_headers=headers) as ws:
        assert await recv_json(ws) == {"type": "hello"}
        await send_json(ws, {"type": "ping"})
        assert await recv_json(ws) == {"type": "pong"}
        with pytest.raises(ConnectionClosedError) as info:
            await ws.recv()
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (4000, "script over")


@pytest.mark.asyncio
async def test_unknown_scenario_or_bad_fault_header_refuse_the_handshake(library_server) -> None:
    from websockets.exceptions import InvalidStatus

    for headers, status in (({"X-Mock-Scenario": "nope"}, 404),
                            ({"X-Mock-Fault": "ws_close(code=7)"}, 400)):
        with pytest.raises(InvalidStatus) as info:
            async with ws_connect(library_server.ws_url + "/ws/chat", additional_headers=headers):
                pass
        assert info.value.response.status_code == status
        assert "error" in json.loads(info.value.response.body)


@pytest.mark.asyncio
async def test_lane_queue_is_used_once_per_connection(mockserver) -> None:
    mockserver.stream("queued answer")
    for expected in ("queued answer", "You said: hi"):
        async with ws_connect(mockserver.ws_url + "/ws/chat") as ws:
            await send_json(ws, MESSAGE)
            text = "".join(m.get("content", "") for m in await recv_until(ws, "done"))
        assert text == expected


@pytest.mark.asyncio
async def test_chaos_draws_a_ws_fault_and_names_it_on_the_101() -> None:
    with MockServer(chaos=1.0, seed=5) as server:
        async with ws_connect(server.ws_url + "/ws/chat") as ws:
            fault = ws.response.headers["x-mock-fault"]
        assert fault.startswith("ws_")
        assert server.requests()[0].scenario == "chaos"
