"""A real mock server per module, a fresh lane per test, and strict SDK clients on that lane.

openai clients get `_strict_response_validation=True` (every event and body is validated
against the SDK's pydantic types, openai-wire.md 6.7); anthropic clients too. The anthropic
client's base URL is the server root of the lane (it appends `/v1/messages` itself).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import openai
import pytest

from mockserver import MockServer

_LANES = itertools.count(1)


@pytest.fixture
def lane(server: MockServer) -> str:
    return f"formats-{next(_LANES)}"


@pytest.fixture
def oai(server: MockServer, lane: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=server.lane_base_url(lane), api_key="test", max_retries=0, timeout=10,
        _strict_response_validation=True,
    ) as client:
        yield client


@pytest.fixture
def ant(server: MockServer, lane: str) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(
        base_url=server.url_for("", lane=lane), api_key="test", max_retries=0, timeout=10,
        _strict_response_validation=True,
    ) as client:
        yield client


@pytest.fixture
def queue(server: MockServer, lane: str) -> Callable[..., None]:
    """Queue one scenario on the test's lane: `queue({"text": ...}, faults=[...])`."""

    def enqueue(response: Any = None, **scenario: Any) -> None:
        if response is not None:
            scenario["response"] = response
        server.enqueue(scenario, lane=lane)

    return enqueue
