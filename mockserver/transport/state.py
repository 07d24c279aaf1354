"""Server state shared between the test thread and the server thread: lanes, queues, journals.

    ServerState
    ├── config           ServerConfig (api key, admin token, chaos, seed, timing, models ...)
    ├── library          named scenarios (built-in + --scenarios), chosen by header or URL
    ├── lanes[id]        Lane: its own FIFO of queued scenarios and its own journal
    │                    ("default" is the root /v1; /lane/<id>/v1 is lane <id>)
    └── feed             the journal as events, one per request start and end, for
                         GET /_mock/events and the inspector page (inspector/feed.py)

Scenarios are frozen, so handing them across threads is safe; every mutation of a lane happens
under one lock. Nothing here does I/O.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.models import ModelCatalog
from mockserver.core.plan import WirePlan
from mockserver.core.scenario import Scenario, Timing
from mockserver.faults import Fault
from mockserver.transport.inspector.feed import JournalFeed

__all__ = [
    "ServerConfig", "ServerState", "ScenarioLibrary", "Lane", "Queued", "JournalEntry",
    "DEFAULT_LANE",
]

DEFAULT_LANE = "default"


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    api_key: str | None = None
    admin_token: str | None = None
    chaos: float = 0.0
    seed: int = 0
    timing: Timing | None = None
    models: tuple[str, ...] = ()
    faults: tuple[Fault, ...] = ()
    scenario: str | None = None
    max_body: int = 1024 * 1024
    log: bool = False
    #: entries kept per lane; older ones are dropped so a long `serve` stays flat in memory
    journal_limit: int = 1000
    #: `--upstream`: where requests no scenario answers are forwarded, as `[PREFIX=]URL`
    #: strings or `transport.upstreams.Upstream`s
    upstreams: tuple[Any, ...] = ()
    #: `--upstream-timeout`: seconds to connect, and between reads, before a 504 or a cut
    upstream_timeout: float = 60.0
    #: `--record DIR`: each proxied exchange is saved there as a scenario file
    record_dir: str | None = None
    #: `--timing fast` given: no pauses at all, not even a scenario's recorded timing
    fast: bool = False


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
class JournalEntry:
    """One request as the server saw it, and what it sent back."""

    index: int
    method: str
    path: str
    lane: str
    headers: dict[str, str]
    body: Any
    scenario: str | None = None
    faults: tuple[str, ...] = ()
    status: int | None = None
    outcome: str = "pending"
    plan: WirePlan | None = None
    bytes_sent: int = 0
    error: str | None = None
    #: wall-clock time of arrival (seconds since the epoch), for the inspector and reports
    started: float = field(default_factory=time.time)
    #: "http" or "ws"
    protocol: str = "http"
    #: (seconds since the first op, op index) per op played, recorded only while the
    #: inspector watches (`JournalFeed.capture`); None otherwise
    marks: list[tuple[float, int]] | None = None
    #: the upstream URL when the request was proxied (SPEC 10)
    upstream: str | None = None

    @property
    def proxied(self) -> bool:
        return self.upstream is not None

    def to_dict(self, *, with_plan: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "lane": self.lane,
            "headers": self.headers,
            "body": self.body,
            "scenario": self.scenario,
            "faults": list(self.faults),
            "status": self.status,
            "outcome": self.outcome,
            "bytes_sent": self.bytes_sent,
            "started": self.started,
            "protocol": self.protocol,
        }
        if self.error:
            data["error"] = self.error
        if self.upstream is not None:
            data["proxied"], data["upstream"] = True, self.upstream
        if with_plan and self.plan is not None:
            data["sent"] = self.plan.describe().splitlines()
        return data


@dataclass
class Lane:
    id: str
    queue: list[Queued] = field(default_factory=list)
    journal: list[JournalEntry] = field(default_factory=list)
    requests: int = 0
    library_uses: dict[str, int] = field(default_factory=dict)


class ScenarioLibrary(MutableMapping[str, Scenario]):
    """Named scenarios by name, with sources loaded on first use (`defer`).

    A deferred source (the built-in library: YAML files and one scenario per fault, which
    imports every fault module) is read the first time the library is looked at, not at
    start-up. The result is what loading it eagerly first would have given: deferred sources
    come first, and a scenario added under the same name wins but keeps that position.
    """

    def __init__(self) -> None:
        self._named: dict[str, Scenario] = {}
        self._deferred: list[Callable[[], Iterable[Scenario]]] = []
        self._lock = threading.Lock()
        self._recorded: list[Scenario] = []  # recordings answer by their match, unnamed

    def defer(self, source: Callable[[], Iterable[Scenario]]) -> None:
        """Load `source()` (before every scenario added so far) on first use."""
        with self._lock:
            self._deferred.append(source)

    @property
    def _data(self) -> dict[str, Scenario]:
        if self._deferred:
            self._load()
        return self._named

    def _load(self) -> None:
        with self._lock:
            if not self._deferred:
                return
            merged: dict[str, Scenario] = {}
            for source in self._deferred:
                for scenario in source():
                    if not scenario.name:
                        raise ValueError("a library scenario needs a name")
                    merged[scenario.name] = scenario
            merged.update(self._named)
            self._named, self._deferred = merged, []

    def __getitem__(self, name: str) -> Scenario:
        return self._data[name]

    def __setitem__(self, name: str, scenario: Scenario) -> None:
        with self._lock:
            old = self._named.get(name)
            self._named[name] = scenario
            self._recorded = [s for s in self._recorded if s is not old]
            if scenario.recorded is not None:
                self._recorded.append(scenario)

    def recording_for(self, path: str, model: str | None, body: Any) -> Scenario | None:
        """The first recording (`serve --record`) whose match fits this request, if any."""
        for scenario in self._recorded:
            if scenario.match.matches(path, model, body):
                return scenario
        return None

    def __delitem__(self, name: str) -> None:
        data = self._data
        with self._lock:
            old = data.pop(name)
            self._recorded = [s for s in self._recorded if s is not old]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def get(self, name: str, default: Any = None) -> Any:
        return self._data.get(name, default)

    def __repr__(self) -> str:
        return f"ScenarioLibrary({self._data!r})"


class ServerState:
    """All mutable state of one server, guarded by one lock."""

    def __init__(self, config: ServerConfig, library: Iterable[Scenario] = ()) -> None:
        self.config = config
        self.models = ModelCatalog(config.models)
        self.library = ScenarioLibrary()
        self.lock = threading.Lock()
        self.lanes: dict[str, Lane] = {}
        self._ids = itertools.count(1)
        self._global = itertools.count(0)
        self.errors: list[BaseException] = []
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
        lane = self.lanes.get(lane_id)
        if lane is None:
            lane = self.lanes[lane_id] = Lane(lane_id)
        return lane

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
            lane = self.lane(lane_id)
            for queued in lane.queue:
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
        with self.lock:
            journal = self.lane(entry.lane).journal
            journal.append(entry)
            if len(journal) > self.config.journal_limit:
                del journal[: len(journal) - self.config.journal_limit]

    def journal(self, lane_id: str | None) -> list[JournalEntry]:
        with self.lock:
            if lane_id is not None:
                return list(self.lane(lane_id).journal)
            entries = [e for lane in self.lanes.values() for e in lane.journal]
        return sorted(entries, key=lambda e: e.index)

    def unused(self, lane_id: str) -> list[Queued]:
        with self.lock:
            lane = self.lane(lane_id)
            return [
                q for q in lane.queue
                if q.used == 0 or (q.scenario.times is not None and q.used < q.scenario.times)
            ]

    def reset(self, lane_id: str | None) -> None:
        with self.lock:
            if lane_id is None:
                self.lanes.clear()
            else:
                self.lanes.pop(lane_id, None)
