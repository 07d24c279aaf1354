"""The journal feed (inspector/feed.py) without a socket: ids, the ring, resuming, gaps,
lanes, and that it never keeps a request alive after the journal dropped it."""

from __future__ import annotations

import asyncio
import gc

from mockserver.transport.inspector.feed import JournalFeed, snapshot_data
from mockserver.transport.inspector.stream import event_data
from mockserver.transport.state import JournalEntry


def entry(index: int, lane: str = "a") -> JournalEntry:
    return JournalEntry(index=index, method="POST", path=f"/lane/{lane}/v1/chat/completions",
                        lane=lane, headers={}, body={"model": "gpt-4.1"},
                        faults=("missing_done",), status=200)


def fill(feed: JournalFeed, entries: list[JournalEntry]) -> None:
    for item in entries:
        feed.publish("start", item)
        item.outcome = "completed"
        feed.publish("end", item)


def test_ids_name_the_server_run_and_count_events():
    feed = JournalFeed()
    kept = [entry(0), entry(1)]
    fill(feed, kept)
    found = feed.replay(None)
    assert found.gap is None and found.cursor == 4
    ids = [feed.event_id(e.number) for e in found.events]
    assert ids == [f"{feed.boot}-{n}" for n in range(1, 5)]
    assert [e.kind for e in found.events] == ["start", "end", "start", "end"]
    begun = snapshot_data("start", found.events[0].snapshot)
    assert begun["status"] == 200 and begun["faults"] == ["missing_done"]
    assert "outcome" not in begun  # a start shows no outcome, even read later


def test_resume_sends_only_what_came_after_the_last_id():
    feed = JournalFeed()
    kept = [entry(i) for i in range(3)]
    fill(feed, kept)
    found = feed.replay(feed.event_id(4))
    assert found.gap is None and [e.number for e in found.events] == [5, 6]
    assert feed.replay(feed.event_id(6)).events == []


def test_an_id_that_fell_out_of_the_ring_or_another_run_gives_a_gap_and_the_whole_ring():
    feed = JournalFeed(size=4)
    kept = [entry(i) for i in range(5)]
    fill(feed, kept)  # events 1..10, the ring holds 7..10
    found = feed.replay(feed.event_id(2))
    assert found.gap is not None and found.gap.missed == 4
    assert [e.number for e in found.events] == [7, 8, 9, 10]
    assert feed.replay(feed.event_id(6)).gap is None  # 7 onwards are all still there
    for stale in ("0123abcd-3", "garbage", f"{feed.boot}-999"):
        found = feed.replay(stale)
        assert found.gap is not None and found.gap.missed is None
        assert len(found.events) == 4


def test_a_lane_sees_only_its_events_and_its_cursor_still_moves():
    feed = JournalFeed()
    kept = [entry(0, "a"), entry(1, "b"), entry(2, "a")]
    fill(feed, kept)
    found = feed.replay(None, "a")
    assert [e.snapshot[0] for e in found.events] == [0, 0, 2, 2]
    assert found.cursor == 6
    assert feed.after(found.cursor, "a").events == []


def test_an_end_event_renders_its_timeline_from_the_entry_while_the_journal_holds_it():
    feed = JournalFeed()
    item = entry(0)
    fill(feed, [item])
    end = feed.replay(None).events[-1]
    data = event_data(end)
    assert data["outcome"] == "completed" and data["timeline"]["ops"] == []
    assert data["received"] == '{"model": "gpt-4.1"}'
    del item
    gc.collect()
    data = event_data(end)  # the journal dropped it: the snapshot stays, nothing else
    assert data["evicted"] is True and data["timeline"] is None and data["outcome"] == "completed"


def test_capture_is_on_only_while_a_stream_watches_or_always_is_set():
    feed = JournalFeed()
    assert not feed.capture
    with feed.watching():
        assert feed.capture
    assert not feed.capture
    feed.always = True
    assert feed.capture


def test_wait_returns_at_a_publish_or_at_close():
    feed = JournalFeed()

    async def scenario() -> None:
        waiting = asyncio.ensure_future(feed.wait(10))
        await asyncio.sleep(0)
        feed.publish("start", entry(0))
        await asyncio.wait_for(waiting, 5)
        waiting = asyncio.ensure_future(feed.wait(10))
        await asyncio.sleep(0)
        feed.close()
        await asyncio.wait_for(waiting, 5)
        await asyncio.wait_for(feed.wait(10), 5)  # closed: returns at once

    asyncio.run(scenario())
