"""RedisLanes against a real Redis, two stores standing for two workers: uses taken exactly
once under concurrency, the journal's SPEC 8 bounds (truncated bodies, per-lane and total
byte caps evicting the longest-idle lanes, evicted counts), reset, and a queued scenario
surviving the trip through Redis intact."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid

import pytest

from mockserver import Scenario
from mockserver.core.scenario import scenario_to_dict
from mockserver.transport.journal_bounds import BODY_LIMIT, JournalBounds
from mockserver.transport.redis_store import RedisLanes
from mockserver.transport.state import JournalEntry

pytestmark = pytest.mark.asyncio


def _stores(redis_server, bounds: JournalBounds | None = None) -> tuple[RedisLanes, RedisLanes]:
    prefix = f"t{uuid.uuid4().hex[:8]}:"  # each test its own keys in the module's Redis
    return (RedisLanes(redis_server.url, bounds=bounds, worker=0, prefix=prefix),
            RedisLanes(redis_server.url, bounds=bounds, worker=1, prefix=prefix))


async def _close(*stores: RedisLanes) -> None:
    for store in stores:
        await store.close()


async def _finish(store: RedisLanes, lane: str, body: object = None) -> JournalEntry:
    index, number = await store.next_request(lane)
    entry = JournalEntry(index=number, method="POST", path="/v1/chat/completions", lane=lane,
                         headers={}, body=body, status=200, outcome="completed")
    await store.closed(entry)
    return entry


async def test_two_workers_taking_concurrently_get_each_use_exactly_once(redis_server) -> None:
    one, two = _stores(redis_server)
    scenarios = [Scenario.from_dict({"response": {"text": f"r{i}"}, "times": 2})
                 for i in range(10)]
    await one.enqueue("lane", scenarios)
    taken = await asyncio.gather(*[
        (one if i % 2 else two).take("lane", "/v1/chat/completions", "gpt-4.1")
        for i in range(25)
    ])
    got = [(s.responses[0].text, use) for s, use in (t for t in taken if t is not None)]
    assert sorted(got) == sorted((f"r{i}", use) for i in range(10) for use in (0, 1))
    assert taken.count(None) == 5
    assert [q["used"] for q in await two.queue("lane")] == [2] * 10
    await _close(one, two)


async def test_request_indexes_are_one_counter_per_lane_across_workers(redis_server) -> None:
    one, two = _stores(redis_server)
    got = await asyncio.gather(*[(one, two)[i % 2].next_request("a") for i in range(20)])
    assert sorted(index for index, _ in got) == list(range(20))
    numbers = [number for _, number in got]
    assert len(set(numbers)) == 20
    assert await two.next_request("b") == (0, max(numbers) + 1)
    await _close(one, two)


async def test_a_queued_scenario_comes_back_from_redis_as_it_was_enqueued(redis_server) -> None:
    one, two = _stores(redis_server)
    scenario = Scenario.from_dict({
        "name": "tools", "match": {"path": "/v1/chat/completions", "model": "gpt-4o"},
        "sequence": [{"tool_calls": [{"name": "f", "arguments": '{"a": 1}'}]},
                     {"error": {"status": 429, "message": "slow down",
                                "headers": {"retry-after": "1"}}}],
        "seed": 3, "timing": {"first_token_ms": 5, "chunk_ms": 1, "jitter_ms": 0},
        "faults": ["close(after=2, mode=reset)", "split(mode=every_byte)"],
    })
    await one.enqueue("x", [scenario])
    assert await two.take("x", "/v1/completions", "gpt-4o") is None  # path does not match
    assert await two.take("x", "/v1/chat/completions", "gpt-4.1") is None  # model does not
    peeked = await two.take("x", "/v1/chat/completions/", "gpt-4o", peek=True)
    assert peeked is not None and peeked[1] == 0
    taken = await two.take("x", "/v1/chat/completions", "gpt-4o")
    assert taken is not None and taken[1] == 0
    assert scenario_to_dict(taken[0]) == scenario_to_dict(scenario)
    assert taken[0].faults == scenario.faults
    await _close(one, two)


async def test_match_body_fields_are_matched_inside_redis_as_in_process(redis_server) -> None:
    """`match.body` (what a recording matches on) holds in the shared store too: a candidate
    whose body fields differ is skipped, one without body fields still matches anything."""
    from mockserver.transport.state import ServerConfig, ServerState

    one, two = _stores(redis_server)
    asked = [{"role": "user", "content": "héllo"}]
    fields = {"match": {"body": {"messages": asked, "tools": None}},
              "response": {"text": "by body"}, "times": 3}
    await one.enqueue("b", [Scenario.from_dict(fields)])
    local = ServerState(ServerConfig())
    local.enqueue("b", [Scenario.from_dict(fields)])
    for body, expected in ((None, False), ({"messages": asked}, False),
                           ({"messages": asked, "tools": None, "model": "m"}, True),
                           ({"messages": [{"content": "héllo", "role": "user"}], "tools": None},
                            True),  # same JSON, keys in another order
                           ({"messages": asked + asked, "tools": None}, False)):
        found = await two.take("b", "/v1/chat/completions", "m", body=body, peek=True)
        assert (found is not None) is expected, body
        in_process = local.take("b", "/v1/chat/completions", "m", body=body, peek=True)
        assert (in_process is not None) is expected, body
    await one.enqueue("b", [Scenario.from_dict({"response": {"text": "any"}})])
    found = await two.take("b", "/v1/chat/completions", "m", body={"messages": []})
    assert found is not None and found[0].responses[0].text == "any"
    await _close(one, two)


async def test_bodies_over_64_kib_are_journaled_truncated_with_size_and_sha256(
    redis_server,
) -> None:
    one, two = _stores(redis_server)
    big = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "x" * 100_000}]}
    await _finish(one, "big", big)
    await _finish(one, "big", {"model": "gpt-4.1", "note": b"\xff raw"})
    first, second = (await two.journal("big")).requests
    compact = json.dumps(big, separators=(",", ":")).encode()
    assert first["body_truncated"] is True and first["worker"] == 0
    assert first["body_size"] == len(compact)
    assert first["body_sha256"] == hashlib.sha256(compact).hexdigest()
    assert first["body"] == compact[:BODY_LIMIT].decode()
    assert second["body"] == {"model": "gpt-4.1", "note": "\\xff raw"}  # bytes, escaped
    assert "body_truncated" not in second
    await _close(one, two)


async def test_lane_cap_drops_the_oldest_entries_and_counts_them(redis_server) -> None:
    one, two = _stores(redis_server, JournalBounds(lane_bytes=6000, total_bytes=60_000))
    entries = [await _finish((one, two)[i % 2], "busy", {"i": i, "pad": "p" * 900})
               for i in range(12)]
    page = await one.journal("busy")
    kept = [e["index"] for e in page.requests]
    assert kept == [e.index for e in entries][-len(kept):] and 3 <= len(kept) < 12
    assert page.evicted == 12 - len(kept)
    assert (await two.journal(None)).evicted == page.evicted
    await _close(one, two)


async def test_total_cap_evicts_the_longest_idle_lanes_first(redis_server) -> None:
    one, two = _stores(redis_server, JournalBounds(lane_bytes=5000, total_bytes=9000))
    for lane in ("old", "middle", "new"):
        for _ in range(2):
            await _finish(one, lane, {"pad": "p" * 1200})
    await _finish(two, "old", {"pad": "p" * 1200})  # "old" is now the most recently used
    page = await two.journal(None)
    lanes = [e["lane"] for e in page.requests]
    assert "middle" not in lanes and lanes.count("old") == 3 and "new" in lanes
    assert (await one.journal("middle")).evicted == 2
    assert page.evicted >= 2
    await _close(one, two)


async def test_reset_of_a_lane_forgets_its_queue_counters_and_journal_only(redis_server) -> None:
    one, two = _stores(redis_server)
    await one.enqueue("gone", [Scenario.from_dict({"response": {"text": "x"}})])
    await one.enqueue("kept", [Scenario.from_dict({"response": {"text": "y"}})])
    await _finish(one, "gone")
    await _finish(one, "kept")
    await two.library_use("gone", "hello-stream")
    await two.reset("gone")
    assert await one.queue("gone") == [] and (await one.journal("gone")).requests == []
    assert await one.next_request("gone") == (0, 2)  # its index restarts, the global does not
    assert await one.library_use("gone", "hello-stream") == 0
    assert len(await one.queue("kept")) == 1 and len((await one.journal(None)).requests) == 1
    await two.reset(None)
    assert await one.queue("kept") == [] and (await one.journal(None)).requests == []
    await _close(one, two)
