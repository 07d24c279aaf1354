"""The named scenarios of a server (built-in, `--scenarios` files, added at run time), with
sources read on first use so the built-in library costs nothing at start-up."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any

from mockserver.core.scenario import Scenario

__all__ = ["ScenarioLibrary"]


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
