"""A real mock server on 127.0.0.1 for the endpoint tests, and SDK clients pointed at lanes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from mockserver.transport.server import MockServer


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv
        srv.check()


@pytest.fixture
def lane(server: MockServer) -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def base_url(server: MockServer, lane: str) -> str:
    return server.lane_base_url(lane)
