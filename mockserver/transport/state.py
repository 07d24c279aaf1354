"""Server state shared between the test thread and the server thread: lanes, queues, journals.

    ServerState
    ├── config           ServerConfig (api key, admin token, chaos, seed, timing, models ...)
    ├── library          named scenarios (built-in + --scenarios), chosen by header or URL
    ├── lanes[id]        Lane: its own FIFO of queued scenarios and its own journal
    │                    ("default" is the root /v1; /lane/<id>/v1 is lane <id>), kept in
    │                    order of last use (the longest-idle lane first)
    └── feed             the journal as events, one per request start and end, for
                         GET /_mock/events and the inspector page (inspector/feed.py); it
                         holds weak references only, so the caps below bound its memory too

Bounded (SPEC 8): a finished entry counts its bytes (journal_bounds.settle) against its lane's cap
and the total cap (`config.journal_bounds`: journal_bounds.py owns the defaults, 64 MiB in
all and a quarter of it per lane, and `--journal-max-mb` sets them); past the lane's cap its
oldest entries are evicted, past the total the journals of the longest-idle lanes (their
queues stay). Past `max_lanes` (1,000) lanes the longest-idle lane is dropped whole (its queue
and counters too: it starts again from request 0 if it comes back).
Every eviction is counted, and `GET /_mock/journal` reports the count.

Scenarios are frozen, so handing them across threads is safe; every mutation of a lane happens
under one lock. Nothing here does I/O.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.models import ModelCatalog
from mockserver.core.scenario import Scenario
from mockserver.transport.config import ServerConfig
from mockserver.transport.inspector.feed import JournalFeed
from mockserver.transport.journal import JournalEntry
from mockserver.transport.journal_bounds import settle
from mockserver.transport.library import ScenarioLibrary

__all__ = [
    "ServerConfig", "ServerState", "ScenarioLibrary", "Lane", "Queued", "JournalEntry",
    "DEFAULT_LANE", "ErrorLog",
]

DEFAULT_LANE = "default"
_GONE_LIMIT = 10_000  # evicted lanes whose eviction counts are remembered
_ERRORS_KEPT = 100  # server-side errors kept for check(); later ones are only counted


@dataclass
class Queued:
    id: str
    scenario: Scenario
    used: int = 0

    @property
    def exhausted(self) -> bool:
        return self.scenario.times is not None and self.used >= self.scenario.times

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.scenario.name,
            "times": self.scenario.times if self.scenario.times is not None else "always",
            "used": self.used,
        }


@dataclass
class Lane:
    id: str
    queue: list[Queued] = field(default_factory=list)
    journal: list[JournalEntry] = field(default_factory=list)
    requests: int = 0
    library_uses: dict[str, int] = field(default_factory=dict)
    #: bytes its settled journal entries count, and entries evicted from it
    bytes: int = 0
    evicted: int = 0


class ErrorLog(list[BaseException]):
    """Exceptions raised inside the server, for `MockServer.check()`: the first
    `_ERRORS_KEPT` are kept, later ones only counted (`dropped`), so a long `serve` that
    meets the same bug many times does not keep every traceback alive."""

    dropped = 0

    def append(self, exc: BaseException) -> None:
        if len(self) < _ERRORS_KEPT:
            super().append(exc)
        else:
            self.dropped += 1


class ServerState:
    """All mutable state of one server, guarded by one lock."""

    def __init__(self, config: ServerConfig, library: Iterable[Scenario] = ()) -> None:
        self.config = config
        self.bounds = config.journal_bounds
        self.models = ModelCatalog(config.models)
        self.library = ScenarioLibrary()
        self.lock = threading.Lock()
        #: lanes in order of last use: the first is the longest idle
        self.lanes: OrderedDict[str, Lane] = OrderedDict()
        self._ids = itertools.count(1)
        self._global = itertools.count(0)
        self.errors: ErrorLog = ErrorLog()
        #: bytes all settled entries count; entries evicted in all (since the last reset)
        self.journal_bytes = 0
        self.evicted = 0
        self._gone: OrderedDict[str, int] = OrderedDict()  # evicted lane -> its evictions
        self.feed = JournalFeed()
        for scenario in library:
            self.add_library(scenario)

    def add_library(self, scenario: Scenario) -> None:
        if not scenario.name:
            raise ValueError("a library scenario needs a name")
        self.library[scenario.name] = scenario
        if scenario.recorded is not None and scenario.match.model:
            self.models.add(scenario.match.model)  # the upstream's model, known for replay

    def lane(self, lane_id: str) -> Lane:
        """The lane (created when new), marked as just used. Call under `lock`."""
        lanes = self.lanes
        lane = lanes.get(lane_id)
        if lane is not None:
            lanes.move_to_end(lane_id)
            return lane
        lane = lanes[lane_id] = Lane(lane_id, evicted=self._gone.pop(lane_id, 0))
        while len(lanes) > self.bounds.lanes:
            self._drop_lane(next(iter(lanes)))
        return lane

    def _drop_lane(self, lane_id: str) -> None:
        """Evict a whole lane (its journal counted as evicted). Call under `lock`."""
        lane = self.lanes.pop(lane_id)
        self._evict_journal(lane, len(lane.journal))
        self._gone[lane_id] = lane.evicted
        while len(self._gone) > _GONE_LIMIT:
            self._gone.popitem(last=False)

    def _evict_journal(self, lane: Lane, count: int) -> None:
        """Evict the `count` oldest entries of a lane's journal. Call under `lock`."""
        if count <= 0:
            return
        gone, lane.journal = lane.journal[:count], lane.journal[count:]
        for entry in gone:
            entry.evicted = True
            lane.bytes -= entry.size
            self.journal_bytes -= entry.size
        lane.evicted += count
        self.evicted += count

    def enqueue(self, lane_id: str, scenarios: Iterable[Scenario]) -> list[str]:
        with self.lock:
            lane = self.lane(lane_id)
            ids = []
            for scenario in scenarios:
                queued = Queued(f"scn_{next(self._ids)}", scenario)
                lane.queue.append(queued)
                ids.append(queued.id)
            return ids

    def take(
        self, lane_id: str, path: str, model: str | None, *, peek: bool = False,
        body: Any = None,
    ) -> tuple[Scenario, int] | None:
        """The first queued scenario matching (path, model, body) and its use index; consumes
        one use."""
        with self.lock:
            lane = self.lanes.get(lane_id)
            for queued in lane.queue if lane is not None else ():
                if queued.exhausted or not queued.scenario.match.matches(path, model, body):
                    continue
                use = queued.used
                if not peek:
                    queued.used += 1
                return queued.scenario, use
            return None

    def library_use(self, lane_id: str, name: str) -> int:
        """How many times this lane already played the named library scenario (then +1)."""
        with self.lock:
            uses = self.lane(lane_id).library_uses
            use = uses.get(name, 0)
            uses[name] = use + 1
            return use

    def next_request(self, lane_id: str) -> tuple[int, int]:
        """(index within the lane, global request number) for a new request."""
        with self.lock:
            lane = self.lane(lane_id)
            index = lane.requests
            lane.requests += 1
            return index, next(self._global)

    def record(self, entry: JournalEntry) -> None:
        """Add a new entry to its lane's journal (sized later, by `settle`)."""
        with self.lock:
            lane = self.lane(entry.lane)
            lane.journal.append(entry)
            self._evict_journal(lane, len(lane.journal) - self.bounds.lane_entries)

    def settle(self, entry: JournalEntry) -> None:
        """Count a finished entry's bytes and enforce the caps: the oldest entries of its lane
        past the lane's cap, then the journals of the longest-idle lanes past the total."""
        size = settle(entry)
        bounds = self.bounds
        with self.lock:
            lane = self.lanes.get(entry.lane)
            if entry.evicted or lane is None:
                return
            lane.bytes += size
            self.journal_bytes += size
            cap = bounds.lane_bytes
            while lane.bytes > cap and len(lane.journal) > 1:
                self._evict_journal(lane, 1)
            total = bounds.total_bytes
            for idle in list(self.lanes.values()):  # the longest idle first
                if self.journal_bytes <= total:
                    break
                if idle is not lane:
                    self._evict_journal(idle, len(idle.journal))
            while self.journal_bytes > total and len(lane.journal) > 1:
                self._evict_journal(lane, 1)

    def journal(self, lane_id: str | None) -> list[JournalEntry]:
        return self.journal_with_evicted(lane_id)[0]

    def journal_with_evicted(self, lane_id: str | None) -> tuple[list[JournalEntry], int]:
        """The journal of one lane (or of all, in arrival order) and how many of its entries
        were evicted."""
        with self.lock:
            if lane_id is not None:
                lane = self.lanes.get(lane_id)
                if lane is None:
                    return [], self._gone.get(lane_id, 0)
                return list(lane.journal), lane.evicted
            entries = [e for lane in self.lanes.values() for e in lane.journal]
            evicted = self.evicted
        return sorted(entries, key=lambda e: e.index), evicted

    def unused(self, lane_id: str) -> list[Queued]:
        with self.lock:
            lane = self.lanes.get(lane_id)
            return [
                q for q in (lane.queue if lane is not None else ())
                if q.used == 0 or (q.scenario.times is not None and q.used < q.scenario.times)
            ]

    def queued(self, lane_id: str) -> list[Queued]:
        """The lane's queue as it stands (a copy)."""
        with self.lock:
            lane = self.lanes.get(lane_id)
            return list(lane.queue) if lane is not None else []

    def reset(self, lane_id: str | None) -> None:
        with self.lock:
            if lane_id is None:
                self.lanes.clear()
                self._gone.clear()
                self.journal_bytes = self.evicted = 0
                return
            lane = self.lanes.pop(lane_id, None)
            self._gone.pop(lane_id, None)
            if lane is not None:
                self.journal_bytes -= lane.bytes
