"""Where lanes live: one interface for the app, with an in-process and a shared store behind it.

    LaneStore (Protocol)   what the app, the admin API and the WebSocket path ask of lanes:
    │                      request numbers, queued scenarios, library uses, the journal
    ├── LocalLanes         in this process, over `ServerState` (the default; what the pytest
    │                      plugin and `MockServer` use)
    ├── UnsharedLanes      `serve --workers N` without `--state`: each worker would hold its
    │                      own lanes, so lane operations are refused with a 400 naming --state
    └── RedisLanes         `--state redis://HOST:PORT/DB` (redis_store.py): every worker and
                           machine shares lanes, queues, counters and one journal

Every method is a coroutine, so a store may do I/O; the in-process ones never wait. A store
that cannot reach its state raises `ApiError` (503 `state_unavailable`) for lane operations,
which the app answers in the route's own error shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mockserver.core.scenario import Scenario
from mockserver.errors import ApiError
from mockserver.transport.state import DEFAULT_LANE, JournalEntry, ServerState

__all__ = ["LaneStore", "JournalPage", "LocalLanes", "UnsharedLanes", "state_required"]


@dataclass(frozen=True)
class JournalPage:
    """What GET /_mock/journal shows: entries in arrival order, and how many the journal's
    bounds evicted (None where the store does not count them)."""

    requests: list[dict[str, Any]]
    evicted: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"requests": self.requests}
        if self.evicted is not None:
            out["evicted"] = self.evicted
        return out


class LaneStore(Protocol):
    """Lanes, their queues and counters, and the journal, wherever they are kept."""

    async def next_request(self, lane: str) -> tuple[int, int]:
        """(index within the lane, global arrival number) of a new request. The global
        number is negative when the request cannot be journaled (shared state unreachable
        on the default lane, which then falls back to stateless selection)."""
        ...

    async def take(
        self, lane: str, path: str, model: str | None, *, peek: bool = False,
        body: Mapping[str, Any] | None = None,
    ) -> tuple[Scenario, int] | None:
        """The first queued scenario matching (path, model, body fields: `match.body`) and
        its use index; one use is consumed (exactly once, across every process sharing the
        store) unless `peek`."""
        ...

    async def library_use(self, lane: str, name: str) -> int:
        """How many times this lane already played the named library scenario (then +1)."""
        ...

    async def enqueue(self, lane: str, scenarios: Sequence[Scenario]) -> list[str]: ...

    async def queue(self, lane: str) -> list[dict[str, Any]]:
        """The lane's queue as GET /_mock/scenarios shows it."""
        ...

    async def opened(self, entry: JournalEntry) -> None:
        """A request arrived (its entry is still pending)."""
        ...

    async def closed(self, entry: JournalEntry) -> None:
        """The request's answer is finished (status, outcome and bytes are final)."""
        ...

    async def journal(self, lane: str | None, *, timeline: bool = False) -> JournalPage:
        """One lane's journal (or every lane's, merged in arrival order); with `timeline`,
        each entry's wire timeline where the store still holds the plan (in process)."""
        ...

    async def reset(self, lane: str | None) -> None: ...


class LocalLanes:
    """The in-process store: `ServerState` behind the `LaneStore` interface."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def next_request(self, lane: str) -> tuple[int, int]:
        return self.state.next_request(lane)

    async def take(
        self, lane: str, path: str, model: str | None, *, peek: bool = False,
        body: Mapping[str, Any] | None = None,
    ) -> tuple[Scenario, int] | None:
        return self.state.take(lane, path, model, peek=peek, body=body)

    async def library_use(self, lane: str, name: str) -> int:
        return self.state.library_use(lane, name)

    async def enqueue(self, lane: str, scenarios: Sequence[Scenario]) -> list[str]:
        return self.state.enqueue(lane, scenarios)

    async def queue(self, lane: str) -> list[dict[str, Any]]:
        return [q.describe() for q in self.state.queued(lane)]  # an unknown lane stays unmade

    async def opened(self, entry: JournalEntry) -> None:
        self.state.record(entry)  # the entry object itself: later changes show in the journal

    async def closed(self, entry: JournalEntry) -> None:
        self.state.settle(entry)  # sized against the journal's caps (journal_bounds.py)

    async def journal(self, lane: str | None, *, timeline: bool = False) -> JournalPage:
        entries, evicted = self.state.journal_with_evicted(lane)
        requests = [e.to_dict() for e in entries]
        if timeline:
            from mockserver.transport.inspector.timeline import timeline as wire_timeline

            for data, entry in zip(requests, entries, strict=True):
                data["timeline"] = wire_timeline(entry.plan, entry.marks)
        return JournalPage(requests, evicted)

    async def reset(self, lane: str | None) -> None:
        self.state.reset(lane)
        if lane is None:  # everything dropped: hand the memory back
            from mockserver.transport.memory import release

            release()


def state_required(workers: int) -> ApiError:
    """The refusal of a lane operation by a worker that does not share its lanes."""
    return ApiError(
        400,
        f"Lanes need shared state: this server runs {workers} worker processes without "
        "--state, so a lane's queue, counters and journal would be split between them. Start "
        "it with --state redis://HOST:PORT/DB (or with --workers 1). Requests that choose "
        "their answer without a lane (X-Mock-Scenario, /scenario/<name>/v1, --scenario, "
        "--fault, chaos, the faithful default on /v1) work as they are.",
        code="state_required",
    )


class UnsharedLanes(LocalLanes):
    """Lanes of one worker among several with nothing shared: the root lane serves stateless
    selection only (its queue stays empty); every other lane operation is refused."""

    def __init__(self, state: ServerState, workers: int) -> None:
        super().__init__(state)
        self.workers = workers

    def _refuse(self) -> ApiError:
        return state_required(self.workers)

    async def next_request(self, lane: str) -> tuple[int, int]:
        if lane != DEFAULT_LANE:
            raise self._refuse()
        return await super().next_request(lane)

    async def library_use(self, lane: str, name: str) -> int:
        if lane != DEFAULT_LANE:
            raise self._refuse()
        return await super().library_use(lane, name)

    async def enqueue(self, lane: str, scenarios: Sequence[Scenario]) -> list[str]:
        raise self._refuse()

    async def queue(self, lane: str) -> list[dict[str, Any]]:
        raise self._refuse()

    async def opened(self, entry: JournalEntry) -> None:
        return None  # nobody can read a worker's own journal: keep nothing

    async def closed(self, entry: JournalEntry) -> None:
        return None

    async def journal(self, lane: str | None, *, timeline: bool = False) -> JournalPage:
        raise self._refuse()

    async def reset(self, lane: str | None) -> None:
        raise self._refuse()
