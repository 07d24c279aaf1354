"""Load: 200 concurrent WebSocket sessions through one server, every transcript intact.

Each session uses its own lane and scripted text, mixing the three endpoints, so a crossed
wire (one session seeing another's words) or a lost message fails the comparison. Bounded by
one overall deadline; no timing assertions.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from mockserver import MockServer
from tests.ws.conftest import recv_until, send_json, ws_connect

SESSIONS = 200
DEADLINE = 60.0


async def _one(server: MockServer, i: int) -> tuple[str, str]:
    lane = f"load{i}"
    expected = f"session {i} says " + " ".join(f"w{i}x{k}" for k in range(20))
    server.enqueue({"response": {"text": expected}}, lane=lane)
    base = server.lane_base_url(lane).replace("http", "ws", 1)
    kind = ("chat", "realtime", "responses")[i % 3]
    if kind == "chat":
        async with ws_connect(base + "/ws/chat") as ws:
            await send_json(ws, {"type": "message", "content": "go"})
            got = "".join(m.get("content", "") for m in await recv_until(ws, "done", DEADLINE))
    elif kind == "realtime":
        async with ws_connect(base + "/realtime") as ws:
            await send_json(ws, {"type": "response.create"})
            events = await recv_until(ws, "response.done", DEADLINE)
            got = "".join(e.get("delta", "") for e in events)
    else:
        async with ws_connect(base + "/responses") as ws:
            await send_json(ws, {"type": "response.create", "model": "gpt-4.1", "input": "go"})
            events = await recv_until(ws, "response.completed", DEADLINE)
            got = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    return expected, got


@pytest.mark.asyncio
async def test_200_concurrent_sessions_keep_their_transcripts(mockserver_stack) -> None:
    http, loop = mockserver_stack
    with MockServer(http=http, loop=loop) as server:
        results = await asyncio.wait_for(
            asyncio.gather(*(_one(server, i) for i in range(SESSIONS))), DEADLINE)
        assert [got for _, got in results] == [expected for expected, _ in results]
        entries = server.requests()
        assert len(entries) == SESSIONS and {e.status for e in entries} == {101}
        assert all(json.dumps(e.body) for e in entries)
        server.check()
