"""Load: 200 concurrent proxied streams through one proxy to one upstream (both mockservers on
127.0.0.1), a quarter of them with live faults that re-cut the bytes but keep the events.
None may be garbled: each client gets exactly its own answer."""

from __future__ import annotations

import asyncio
import json

import httpx

from mockserver.sse import decode_all
from tests.proxy.conftest import chat, journal

STREAMS = 200
#: faults that change how the bytes arrive, not what the events say
FAULTS = ("split(mode=bytes, size=7)", "coalesce(events=3)", "line_endings(style=crlf)",
          "duplicate_chunk(at=99)")


def _text(events: list) -> str:  # noqa: ANN001
    out = []
    for event in events:
        if event.data != "[DONE]":
            for choice in json.loads(event.data)["choices"]:
                out.append(choice["delta"].get("content") or "")
    return "".join(out)


async def _one(client: httpx.AsyncClient, url: str, i: int) -> bytes:
    headers = {"x-mock-fault": FAULTS[i % len(FAULTS)]} if i % 4 == 0 else {}
    async with client.stream("POST", url, json=chat(f"stream number {i}"),
                             headers=headers) as response:
        assert response.status_code == 200
        return b"".join([chunk async for chunk in response.aiter_raw()])


async def _all(url: str) -> list[bytes]:
    limits = httpx.Limits(max_connections=STREAMS + 10, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, connect=10), limits=limits) as client:
        tasks = [_one(client, url, i) for i in range(STREAMS)]
        return await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)


def test_200_concurrent_proxied_streams_arrive_ungarbled(upstream, proxy) -> None:
    server = proxy(upstream.url)
    bodies = asyncio.run(_all(server.url + "/v1/chat/completions"))
    for i, body in enumerate(bodies):
        events = decode_all([body])
        assert events[-1].data == "[DONE]", i
        assert _text(events) == f"You said: stream number {i}", i
    entries = journal(server)
    assert len(entries) == STREAMS
    assert {e.outcome for e in entries} == {"completed"}
    assert all(e.proxied for e in entries)
