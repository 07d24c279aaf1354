"""The GET form of a chat stream (for EventSource, which can only GET), over a real socket:
`GET /scenario/<name>/v1/chat/completions` and `GET /lane/<id>/v1/chat/completions` stream
what the POST streams, faults and journal included; the root chat route stays POST-only."""

from __future__ import annotations

import uuid

import httpx
import pytest
from httpx_sse import connect_sse

BODY = {"model": "gpt-4.1", "stream": True, "messages": [{"role": "user", "content": "Hello"}]}


@pytest.fixture
def lane() -> str:
    return f"get-{uuid.uuid4().hex[:8]}"


def test_get_on_a_lane_streams_the_same_bytes_as_the_post(server, lane):
    scenario = {"response": {"text": "Same bytes either way"}, "seed": 7}
    server.enqueue(scenario, scenario, lane=lane)  # the same seed for both requests
    url = server.url_for("/v1/chat/completions", lane=lane)
    with httpx.Client(timeout=5) as client:
        posted = client.post(url, json=BODY)
        got = client.get(url, params={"model": "gpt-4.1", "prompt": "Hello"})
    assert got.status_code == posted.status_code == 200
    assert got.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert got.content == posted.content
    get_entry = server.requests(lane)[1]
    assert get_entry.method == "GET" and get_entry.body == BODY
    assert get_entry.outcome == "completed"


def test_get_on_a_named_scenario_plays_its_faults(server, lane):
    url = server.url_for("/scenario/fault-missing_done/v1/chat/completions", lane=lane)
    with httpx.Client(timeout=5) as client, connect_sse(client, "GET", url) as source:
        data = [event.data for event in source.iter_sse()]
    assert data and "[DONE]" not in data
    entry = server.requests(lane)[0]
    assert entry.method == "GET" and entry.scenario == "fault-missing_done"
    assert entry.faults == ("missing_done",)


def test_get_form_takes_the_model_and_usage_from_the_query(server, lane):
    url = server.url_for("/v1/chat/completions", lane=lane)
    with httpx.Client(timeout=5) as client, connect_sse(
        client, "GET", url, params={"model": "gpt-4o-mini", "include_usage": "true"}
    ) as source:
        events = [event.json() for event in source.iter_sse() if event.data != "[DONE]"]
    assert all(event["model"].startswith("gpt-4o-mini") for event in events)
    assert events[-1]["usage"]["total_tokens"] > 0


def test_get_form_with_an_unknown_model_gets_the_apis_404(server, lane):
    url = server.url_for("/v1/chat/completions", lane=lane)
    with httpx.Client(timeout=5) as client:
        reply = client.get(url, params={"model": "no-such-model"})
    assert reply.status_code == 404
    assert reply.json()["error"]["code"] == "model_not_found"


def test_get_on_the_root_chat_route_stays_405(server):
    with httpx.Client(timeout=5) as client:
        reply = client.get(server.url_for("/v1/chat/completions"))
    assert reply.status_code == 405 and reply.headers["allow"] == "POST"
