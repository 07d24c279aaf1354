"""The journal as a feed: one event per request start and end, in a bounded ring, resumable.

    JournalFeed
    ├── publish("start" | "end", entry)   from the server's loop; costs a small tuple and a
    │                                     deque append (~1.5 us), whatever is watching
    ├── replay(last_id, lane)             Replay(gap, events after last_id, cursor)
    ├── after(cursor, lane)               the same from a stream's own cursor
    ├── wait(timeout)                     until the next publish, close() or the timeout
    ├── capture                           whether the player should record when each op
    │                                     went out: only while a stream is open, or `always`
    └── close() / reopen()                server shutdown: every open stream ends at once

Ids are `<boot>-<n>`: `n` counts events from 1, `boot` is drawn when the feed is made (one
per server object), so an id from another server process never resumes the wrong stream.
An id that fell out of the ring (or belongs to another boot) gets a `Gap`, which the stream
sends as a `reset` event before the whole ring, so a client knows its view is incomplete
instead of silently missing events.

The ring holds a snapshot of each event (a tuple of what the start or end event shows) and
only a weak reference to the journal entry: the wire timeline, the heavy part, is rendered
when a stream sends the event, from the entry if the journal still holds it. The feed never
keeps a request alive after the journal dropped it, so the journal's own bounds stay the
memory bound.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = [
    "JournalFeed", "FeedEvent", "Gap", "Replay", "RING_SIZE", "KEEPALIVE_S", "START_FIELDS",
    "END_FIELDS", "snapshot_data", "end_snapshot",
]

#: events kept for resuming and for a page opened late (two per request: 2,048 requests)
RING_SIZE = 4096
#: seconds of silence after which an open stream gets a keep-alive comment
KEEPALIVE_S = 15.0


class FeedEvent(NamedTuple):
    """One published event: its number, kind, lane, what it shows (the values of
    START_FIELDS, and for an end of END_FIELDS and the time it ended: `snapshot_data`
    names them) and a weak reference to the entry it is about."""

    number: int
    kind: str  # "start" | "end"
    lane: str
    snapshot: tuple[Any, ...]
    entry: weakref.ref[Any]


@dataclass(frozen=True)
class Replay:
    """What a stream sends next: a Gap (or None), the events, and its new cursor (the number
    of the newest event looked at, whichever lane it was on)."""

    gap: Gap | None
    events: list[FeedEvent]
    cursor: int


@dataclass(frozen=True)
class Gap:
    """Why a resume cannot be exact: events the client never saw are gone from the ring."""

    reason: str
    missed: int | None  # how many events were lost, when known


class JournalFeed:
    """A bounded ring of journal events plus the wake-ups of the streams that follow it."""

    def __init__(self, size: int = RING_SIZE, *, keepalive: float = KEEPALIVE_S) -> None:
        self.boot = secrets.token_hex(4)
        self.keepalive = keepalive
        #: record op times even with nobody watching (the plugin's HTML report sets it)
        self.always = False
        self._ring: deque[FeedEvent] = deque(maxlen=size)
        self._numbers = itertools.count(1)
        self._last = 0
        self._lock = threading.Lock()
        self._waiters: set[asyncio.Future[None]] = set()
        self._watchers = 0
        self.closed = False

    # -- producing ------------------------------------------------------------------------
    @property
    def capture(self) -> bool:
        """Whether op times are worth recording: a stream is open, or `always` is set."""
        return self._watchers > 0 or self.always

    def publish(self, kind: str, entry: Any) -> None:
        """Add the start or end of `entry` (a JournalEntry) to the ring and wake the streams."""
        e = entry
        snapshot: tuple[Any, ...] = (e.index, e.lane, e.method, e.path, e.protocol, e.scenario,
                                     e.faults, e.status, e.started)
        if kind == "end":
            snapshot += (e.outcome, e.bytes_sent, e.error, time.time())
        with self._lock:
            number = next(self._numbers)
            self._ring.append(FeedEvent(number, kind, e.lane, snapshot, weakref.ref(e)))
            self._last = number
        if self._waiters:
            self._wake_all()

    def resize(self, size: int) -> None:
        """Keep at most `size` events (the newest): a longer or shorter history."""
        with self._lock:
            self._ring = deque(self._ring, maxlen=size)

    # -- consuming ------------------------------------------------------------------------
    def event_id(self, number: int) -> str:
        return f"{self.boot}-{number}"

    @property
    def last_number(self) -> int:
        return self._last

    def replay(self, last_id: str | None, lane: str | None = None) -> Replay:
        """The events after `last_id` (a `Last-Event-ID`; all buffered ones when None), of
        `lane` if given. A `Gap` says the client missed events: the list is then the ring."""
        if not last_id:
            return self.after(0, lane)
        boot, _, count = last_id.strip().rpartition("-")
        if boot != self.boot or not (count.isascii() and count.isdigit()):
            gap = Gap("unknown event id (from another server run?)", None)
        elif int(count) > self._last:
            gap = Gap("event id from the future (from another server run?)", None)
        else:
            return self.after(int(count), lane)
        found = self.after(0, lane)
        return Replay(gap, found.events, found.cursor)

    def after(self, number: int, lane: str | None = None) -> Replay:
        """The events numbered above `number` (a stream's cursor; 0: all buffered ones), or a
        Gap and the whole ring when some of them already fell out of it."""
        gap = None
        newer: list[FeedEvent] = []
        with self._lock:
            ring = self._ring
            oldest = ring[0].number if ring else self._last + 1
            if number and number < oldest - 1:
                gap = Gap("fell out of the ring buffer", oldest - 1 - number)
                number = 0
            for event in reversed(ring):  # newest first: costs only what is new
                if event.number <= number:
                    break
                if lane is None or event.lane == lane:
                    newer.append(event)
            cursor = self._last
        newer.reverse()
        return Replay(gap, newer, cursor)

    async def wait(self, timeout: float, *, also: asyncio.Future[Any] | None = None) -> None:
        """Return at the next publish, at close(), when `also` is done, or after `timeout`."""
        if self.closed:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait([waiter] if also is None else [waiter, also], timeout=timeout,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiters.discard(waiter)
            waiter.cancel()

    @contextmanager
    def watching(self) -> Iterator[None]:
        """While open, `capture` is on (a stream is showing timelines)."""
        self._watchers += 1
        try:
            yield
        finally:
            self._watchers -= 1

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Server shutdown: every open stream ends now (and new ones end at once)."""
        self.closed = True
        self._wake_all()

    def reopen(self) -> None:
        self.closed = False

    def _wake_all(self) -> None:
        for waiter in list(self._waiters):
            loop = waiter.get_loop()
            if loop.is_closed():
                continue
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                _wake(waiter)
            else:
                loop.call_soon_threadsafe(_wake, waiter)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


#: what a start event shows, read from the entry when it is published
START_FIELDS = ("index", "lane", "method", "path", "protocol", "scenario", "faults", "status",
                "started")
#: what an end event adds (`finished`: the wall-clock time it was published)
END_FIELDS = ("outcome", "bytes_sent", "error")


def snapshot_data(kind: str, values: tuple[Any, ...]) -> dict[str, Any]:
    """The JSON-ready fields of a snapshot (`FeedEvent.snapshot`)."""
    data = dict(zip(START_FIELDS, values[: len(START_FIELDS)], strict=True))
    data["id"] = data.pop("index")
    data["faults"] = list(data["faults"])
    if kind == "end":
        outcome, sent, error, finished = values[len(START_FIELDS):]
        started = data["started"]
        data.update(outcome=outcome, bytes_sent=sent, error=error,
                    duration_ms=round((finished - started) * 1000, 3) if started else None)
    return data


def end_snapshot(entry: Any, finished: float | None = None) -> dict[str, Any]:
    """An end event's fields for `entry` (`finished` unknown: no duration)."""
    values = tuple(getattr(entry, name, None) for name in START_FIELDS + END_FIELDS)
    data = snapshot_data("end", (*values, finished or 0.0))
    if finished is None:
        data["duration_ms"] = None
    return data
