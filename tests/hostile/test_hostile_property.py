"""Property: no hostile input breaks the server (SPEC 8). Hypothesis draws requests to every
API route of the format registry, calls to the admin API and sessions on the three WebSocket
endpoints (hostile_inputs.py); for every one: no 5xx that no fault or scenario asked for, no
hang, no connection cut without a reason, a close frame on every WebSocket close, and the
lane's journal readable as strict JSON afterwards. Bounded for CI (a few hundred inputs, no
pauses drawn); benchmarks/bench_hostile.py runs the same inputs >= 10,000 times."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from hostile_inputs import (
    HttpInput,
    WsInput,
    admin_inputs,
    http_inputs,
    send_http,
    send_ws,
    ws_inputs,
)
from hypothesis import HealthCheck, given, settings

from mockserver import MockServer


def bounded(examples: int) -> settings:
    examples = int(examples * float(os.environ.get("HOSTILE_EXAMPLES_SCALE", "1")))
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def target() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running
        running.check()  # nothing failed inside the server


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


@bounded(300)
@given(item=http_inputs())
def test_no_api_request_gets_an_unasked_5xx_or_poisons_the_journal(
    target: MockServer, client: httpx.Client, item: HttpInput
) -> None:
    verdict = send_http(client, target.url, item)
    assert verdict.ok, verdict
    assert not target.state.errors, target.state.errors  # nothing failed inside the server


@bounded(150)
@given(item=admin_inputs())
def test_no_admin_call_gets_a_5xx_or_poisons_the_journal(
    target: MockServer, client: httpx.Client, item: HttpInput
) -> None:
    verdict = send_http(client, target.url, item, admin=True)
    assert verdict.ok, verdict
    assert not target.state.errors, target.state.errors


@bounded(60)
@given(item=ws_inputs())
def test_every_websocket_session_ends_with_a_close_frame(
    target: MockServer, client: httpx.Client, item: WsInput
) -> None:
    verdict = send_ws(target.port, client, item)
    assert verdict.ok, verdict
    assert not target.state.errors, target.state.errors
