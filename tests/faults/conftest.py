"""Shared fixtures for fault tests: one real server per module, a fresh lane per test.

Each test gets its own lane (`/lane/<id>/v1`), so its queue and journal are its own even
though the server is shared by the whole module.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest

from mockserver import MockServer
from mockserver.transport.state import JournalEntry

_LANES = itertools.count(1)


@dataclass
class LaneHandle:
    """A lane of the shared server: its base URL, queue and journal."""

    server: MockServer
    id: str

    @property
    def base_url(self) -> str:
        return self.server.lane_base_url(self.id)

    def url(self, path: str) -> str:
        return self.server.url_for(path, lane=self.id)

    def enqueue(self, *scenarios: Any) -> list[str]:
        return self.server.enqueue(*scenarios, lane=self.id)

    def requests(self) -> list[JournalEntry]:
        return self.server.requests(self.id)


@pytest.fixture
def lane(server: MockServer, request: pytest.FixtureRequest) -> LaneHandle:
    """A lane no other test uses."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name)[:40]
    return LaneHandle(server, f"t{next(_LANES)}-{name}")
