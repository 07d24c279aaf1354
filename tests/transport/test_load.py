"""Load: 200 concurrent streams with mixed faults through one server (httpx.AsyncClient).

Every non-faulted stream must arrive byte for byte as the plan compiled for the same scenario
and seed; faulted ones must end (error or response) without disturbing their neighbours.
"""

from __future__ import annotations

import asyncio

import httpx

from mockserver import MockServer
from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.scenario import Response

STREAMS = 200
FAULTS = (
    "close(after=2, mode=reset)",
    "close(after=2, mode=abrupt)",
    "close(after=3, mode=clean)",
    "broken_chunked(after=1)",
    "empty_reply",
    "drip(bytes_per_s=20000)",
    "stall(after=1, seconds=0.2, keepalive_ms=50)",
    "status(code=500)",
    "not_streamed",
    "missing_done",
)
OUTCOMES = {"close(after=2, mode=reset)": "reset", "empty_reply": "closed",
            "broken_chunked": "closed", "close(after=2)": "closed"}


def _body(i: int) -> dict[str, object]:
    return {"model": "gpt-4o", "stream": True,
            "messages": [{"role": "user", "content": f"stream {i}"}]}


def _text(i: int) -> str:
    return f"Stream number {i} says hello to the load test, with ünïcode ✓ and more words."


def _fault(i: int) -> str | None:
    return None if i % 2 == 0 else FAULTS[(i // 2) % len(FAULTS)]


async def _one(client: httpx.AsyncClient, server: MockServer, i: int) -> bytes | None:
    fault = _fault(i)
    headers = {"X-Mock-Fault": fault} if fault else {}
    url = server.url_for("/v1/chat/completions", lane=f"load-{i}")
    try:
        async with client.stream("POST", url, json=_body(i), headers=headers) as response:
            return b"".join([chunk async for chunk in response.aiter_raw()])
    except httpx.TransportError:
        if fault is None:
            raise
        return None


async def _all(server: MockServer) -> list[bytes | None]:
    limits = httpx.Limits(max_connections=STREAMS + 10, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=httpx.Timeout(20, connect=10), limits=limits) as client:
        tasks = [_one(client, server, i) for i in range(STREAMS)]
        return await asyncio.wait_for(asyncio.gather(*tasks), timeout=90)


def test_200_concurrent_streams_with_mixed_faults_arrive_intact(mockserver_stack):
    http, loop = mockserver_stack
    with MockServer(http=http, loop=loop) as server:
        for i in range(STREAMS):
            server.enqueue({"seed": 1000 + i, "response": {"text": _text(i)}}, lane=f"load-{i}")
        results = asyncio.run(_all(server))
        server.check()
        model = server.state.models.get("gpt-4o")
        assert model is not None
        for i, got in enumerate(results):
            entries = server.requests(f"load-{i}")
            assert len(entries) == 1, i
            if _fault(i) is not None:
                continue
            view = view_for("chat", "/v1/chat/completions", _body(i))
            plan = compile_plan(view, response=Response(text=_text(i)), seed=1000 + i,
                                model=model.resolved, scenario="queued")
            assert got == plan.body() == entries[0].plan.body(), i
            assert entries[0].outcome == "completed", i
        faulted = [server.requests(f"load-{i}")[0] for i in range(STREAMS) if _fault(i)]
        for entry in faulted:
            expected = OUTCOMES.get(entry.faults[0])
            assert expected is None or entry.outcome == expected, (entry.faults, entry.outcome)
        assert len(server.requests()) == STREAMS
