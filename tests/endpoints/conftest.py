"""A real mock server on 127.0.0.1 for the endpoint tests, and SDK clients pointed at lanes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from mockserver import MockServer


@pytest.fixture
def lane(server: MockServer) -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def base_url(server: MockServer, lane: str) -> str:
    return server.lane_base_url(lane)


@pytest.fixture
def sdk() -> Iterator[object]:
    """A factory of openai.OpenAI clients that are all closed at teardown (no leaked sockets)."""
    import openai

    made: list[openai.OpenAI] = []

    def make(base_url: str, *, strict: bool = True, **kw: object) -> openai.OpenAI:
        options: dict[str, object] = {"api_key": "test", "max_retries": 0, "timeout": 10}
        options.update(kw)
        client = openai.OpenAI(
            base_url=base_url,
            _strict_response_validation=strict,
            **options,  # type: ignore[arg-type]
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
