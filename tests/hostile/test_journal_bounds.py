"""The journal is bounded and always serialisable (SPEC 8): large bodies kept truncated with
their size and sha256, per-lane and total byte caps that evict the longest-idle lanes first,
a bounded number of lanes, and `GET /_mock/journal` reporting how many entries were evicted."""

from __future__ import annotations

import asyncio
import hashlib
import json
import weakref

import httpx
import pytest
from _hostile import strict_journal
from websockets.asyncio.client import connect

from mockserver import MockServer
from mockserver.transport.journal_bounds import BODY_LIMIT


def chat_body(size: int) -> bytes:
    text = "word " * (size // 5)
    return json.dumps({"model": "gpt-4.1", "messages": [{"role": "user", "content": text}]},
                      separators=(",", ":")).encode()


def post(client: httpx.Client, server: MockServer, lane: str, body: bytes) -> None:
    reply = client.post(server.lane_base_url(lane) + "/chat/completions", content=body,
                        headers={"content-type": "application/json"})
    assert reply.status_code == 200


def test_a_large_body_is_kept_truncated_with_its_size_and_sha256(server: MockServer) -> None:
    body = chat_body(300 * 1024)
    with httpx.Client(timeout=30) as client:
        post(client, server, "big-body", body)
        post(client, server, "small-body", chat_body(100))
    (entry,) = strict_journal(server.url, "big-body")["requests"]
    assert entry["body_truncated"] is True
    assert entry["body_size"] == len(body)
    assert entry["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert entry["body"] == body[:BODY_LIMIT].decode()
    # the 300 KB answer (the default reply echoes the message) is kept as its transcript
    assert entry["sent"][0].startswith("START 200")
    assert len(entry["sent"]) <= 212 and server.requests("big-body")[0].plan is None
    (small,) = strict_journal(server.url, "small-body")["requests"]
    assert "body_truncated" not in small and small["body"]["model"] == "gpt-4.1"
    assert server.requests("small-body")[0].plan is not None  # small answers keep their plan
    # the lane settled both entries as it closed them, and the inspector's feed can hold
    # them by weak reference
    for lane in ("big-body", "small-body"):
        held = server.requests(lane)[0]
        assert held.settled and held.size > 0
        assert weakref.ref(held)() is held


def test_the_lane_cap_evicts_its_oldest_entries_and_counts_them() -> None:
    with MockServer(journal_max_mb=1) as server, httpx.Client(timeout=30) as client:
        for _ in range(12):  # 12 entries of ~100 KiB against a 256 KiB lane cap
            post(client, server, "busy", chat_body(100 * 1024))
        journal = strict_journal(server.url, "busy")
        kept = len(journal["requests"])
        assert journal["evicted"] == 12 - kept and kept >= 1
        assert [e["index"] for e in journal["requests"]] == list(range(12 - kept, 12))
        lane = server.state.lanes["busy"]
        assert lane.bytes <= server.config.journal_bounds.lane_bytes
        assert strict_journal(server.url)["evicted"] == 12 - kept
        server.check()


def test_the_total_cap_evicts_the_longest_idle_lanes_first() -> None:
    lanes = [f"idle{i}" for i in range(6)]
    with MockServer(journal_max_mb=1, journal_lane_max_mb=0.5) as server, \
            httpx.Client(timeout=30) as client:
        for lane in lanes:  # 6 lanes x 3 entries of ~70-90 KiB: past the 1 MiB total
            for _ in range(3):
                post(client, server, lane, chat_body(100 * 1024))
        kept = [len(strict_journal(server.url, lane)["requests"]) for lane in lanes]
        evicted = [strict_journal(server.url, lane)["evicted"] for lane in lanes]
        assert kept[0] == 0 and kept[-1] == 3, kept
        assert kept == sorted(kept), kept  # the longest idle went first
        assert [k + e for k, e in zip(kept, evicted, strict=True)] == [3] * 6
        assert server.state.journal_bytes <= server.config.journal_bounds.total_bytes
        # the evicted lane still works: its queue and request counter were kept
        server.enqueue({"response": {"text": "queued"}}, lane="idle0")
        post(client, server, "idle0", chat_body(10))
        assert len(server.requests("idle0")) == 1 and server.state.unused("idle0") == []
        assert server.state.lanes["idle0"].requests == 4
        server.check()


def test_the_number_of_lanes_is_bounded_and_evictions_are_remembered() -> None:
    with MockServer(max_lanes=5) as server, httpx.Client(timeout=30) as client:
        for i in range(8):
            for _ in range(2):
                post(client, server, f"lane{i}", chat_body(10))
        assert list(server.state.lanes) == [f"lane{i}" for i in range(3, 8)]
        gone = strict_journal(server.url, "lane0")
        assert gone == {"requests": [], "evicted": 2}
        assert strict_journal(server.url)["evicted"] == 6
        assert "lane0" not in server.state.lanes  # reading a journal creates no lane
        server.check()


def test_entries_past_the_per_lane_count_are_evicted_and_counted() -> None:
    with MockServer(journal_limit=3) as server, httpx.Client(timeout=30) as client:
        for _ in range(5):
            post(client, server, "counted", chat_body(10))
        journal = strict_journal(server.url, "counted")
        assert len(journal["requests"]) == 3 and journal["evicted"] == 2


def test_reset_forgets_journals_and_eviction_counts() -> None:
    with MockServer(max_lanes=2) as server, httpx.Client(timeout=30) as client:
        for i in range(4):
            post(client, server, f"r{i}", chat_body(10))
        assert strict_journal(server.url)["evicted"] == 2
        assert client.post(f"{server.url}/_mock/reset").status_code == 200
        assert strict_journal(server.url) == {"requests": [], "evicted": 0}
        assert server.state.journal_bytes == 0 and not server.state.lanes


@pytest.mark.asyncio
async def test_websocket_messages_are_journaled_up_to_64_kib(server: MockServer) -> None:
    url = f"ws://127.0.0.1:{server.port}/lane/ws-big/v1/ws/chat"
    big = "z" * (100 * 1024)
    async with connect(url, open_timeout=5, close_timeout=2, max_size=None) as sock:
        for text in ('{"type":"hello"}', big, '{"type":"later"}'):
            await sock.send(text)
            await asyncio.wait_for(sock.recv(), 5)
    (entry,) = strict_journal(server.url, "ws-big")["requests"]
    assert entry["body_truncated"] is True
    assert entry["body_size"] == len(big) + 32
    assert entry["body"][0] == {"type": "hello"}
    assert entry["body"][1] == big[: BODY_LIMIT - 16]
    assert len(entry["body"]) == 2
