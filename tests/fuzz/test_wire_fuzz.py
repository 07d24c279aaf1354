"""Drawn scenarios and fault plans played by a real server against real clients (127.0.0.1).

Each example goes through ``play_over_the_wire``: a fresh lane, the openai SDK or httpx-sse in a
worker thread with a deadline, and a resilience-matrix outcome. The plan the server journals
is compared byte for byte with a replay of the same scenario and seed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest
from httpx_sse import connect_sse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from mockserver.fixtures.check import Played, play_over_the_wire
from mockserver.fixtures.strategies import chat_streams
from openai import OpenAI

from mockserver import MockServer
from mockserver.sse import decode_all

__all__: list[str] = []

MESSAGES = [{"role": "user", "content": "hi"}]
OUTCOMES = ("ok", "silent_truncation", "hang")
WIRE = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(3.0)) as client:
        yield client


def openai_call(http: httpx.Client) -> Callable[[str], str]:
    def call(base_url: str) -> str:
        client = OpenAI(base_url=base_url, api_key="test", max_retries=0, http_client=http)
        stream = client.chat.completions.create(model="gpt-4.1", messages=MESSAGES, stream=True)
        return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)

    return call


def httpx_sse_call(http: httpx.Client) -> Callable[[str], str]:
    def call(base_url: str) -> str:
        body = {"model": "gpt-4.1", "messages": MESSAGES, "stream": True}
        text = ""
        with connect_sse(http, "POST", f"{base_url}/chat/completions", json=body) as source:
            source.response.raise_for_status()
            for event in source.iter_sse():
                if event.data == "[DONE]":
                    break
                for choice in json.loads(event.data)["choices"]:
                    text += choice["delta"].get("content") or ""
        return text

    return call


def expected_text(scenario) -> str:  # type: ignore[no-untyped-def]
    return "".join(scenario.responses[0].chunks)


def assert_known_outcome(played: Played) -> None:
    assert played.outcome in OUTCOMES or played.outcome.startswith("raised "), played


@settings(WIRE, max_examples=12)
@given(scenario=chat_streams(faults=False))
def test_faithful_chat_streams_reach_openai_and_httpx_sse_intact(server, http, scenario) -> None:  # type: ignore[no-untyped-def]
    for call in (openai_call(http), httpx_sse_call(http)):
        played = play_over_the_wire(server, scenario, call, expected=expected_text(scenario))
        assert played.outcome == "ok", (played, scenario)
        assert decode_all([played.plan.body()])[-1].data == "[DONE]"


@settings(WIRE, max_examples=15)
@given(scenario=chat_streams())
def test_drawn_fault_plans_classify_and_replay_byte_for_byte(server, http, scenario) -> None:  # type: ignore[no-untyped-def]
    first = play_over_the_wire(server, scenario, openai_call(http),
                               expected=expected_text(scenario))
    again = play_over_the_wire(server, scenario, httpx_sse_call(http),
                               expected=expected_text(scenario))
    assert_known_outcome(first)
    assert_known_outcome(again)
    if first.plan is not None:  # no plan: the request never reached a handler (e.g. a reset)
        assert again.plan is not None
        assert again.plan.ops == first.plan.ops, scenario
        assert again.plan.body() == first.plan.body()


def _search_for_silent_truncation(server: MockServer, http: httpx.Client, seed: int) -> list:  # type: ignore[type-arg]
    """Hypothesis search for 'the openai SDK never silently truncates'; returns the last
    failing (scenario, played), i.e. the shrunk one, or [] if none was found."""
    failures: list = []  # type: ignore[type-arg]

    @hypothesis_seed(seed)
    @settings(WIRE, max_examples=150, phases=(Phase.generate, Phase.shrink))
    @given(scenario=chat_streams(layers=("tcp", "sse")))
    def openai_never_truncates_silently(scenario) -> None:  # type: ignore[no-untyped-def]
        played = play_over_the_wire(server, scenario, openai_call(http),
                                    expected=expected_text(scenario))
        if played.outcome == "silent_truncation":
            failures.append((scenario, played))
            raise AssertionError(played.detail)

    try:
        openai_never_truncates_silently()
    except AssertionError:
        return failures[-1]
    return []


@pytest.mark.slow
def test_search_finds_openai_silent_truncation_and_replays_it_from_the_seed(server, http) -> None:  # type: ignore[no-untyped-def]
    found = _search_for_silent_truncation(server, http, seed=8)
    assert found, "expected the search to find a silently truncating fault plan"
    scenario, played = found
    assert len(scenario.faults) == 1, scenario.faults  # shrunk: one fault alone breaks it
    replay_scenario, replay = _search_for_silent_truncation(server, http, seed=8)
    assert replay_scenario == scenario
    assert replay.plan.body() == played.plan.body()


def raw_body_call(http: httpx.Client, sink: list[bytes]) -> Callable[[str], str]:
    """A client that records the exact body bytes it received (httpx ``iter_raw``)."""

    def call(base_url: str) -> str:
        body = {"model": "gpt-4.1", "messages": MESSAGES, "stream": True}
        with http.stream("POST", f"{base_url}/chat/completions", json=body) as response:
            sink.append(b"".join(response.iter_raw()))
        return ""

    return call


@settings(WIRE, max_examples=10)
@given(scenario=chat_streams(layers=("sse", "payload")))
def test_client_receives_identical_bytes_when_a_drawn_plan_is_replayed(  # type: ignore[no-untyped-def]
    server, http, scenario
) -> None:
    received: list[bytes] = []
    # A drawn split(mode=every_byte, gap_ms=...) over a few KB of tool calls pauses for
    # seconds by design (each pause at least gap_ms, rounded up to the loop's millisecond
    # timers): this test is about the bytes, so it waits for them well past the 5 s default.
    first = play_over_the_wire(server, scenario, raw_body_call(http, received), expected="",
                               timeout=30.0)
    again = play_over_the_wire(server, scenario, raw_body_call(http, received), expected="",
                               timeout=30.0)
    assert first.outcome == again.outcome == "ok", (first, again)
    assert received[0] == received[1] == first.plan.body(), scenario
