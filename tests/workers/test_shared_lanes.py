"""`serve --workers 2 --state redis://...`: two processes on one port share lanes through a
real Redis. Every request here goes on a new connection (`Connection: close`), so the kernel
spreads them over both workers; each journal entry names the worker that answered."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest
import websockets.sync.client as ws_client

from mockserver import MockServer

CHAT = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}
NEW_CONNECTION = {"Connection": "close"}


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(headers=NEW_CONNECTION, timeout=10) as client:
        yield client


def _lane() -> str:
    return f"w-{uuid.uuid4().hex[:8]}"


def _enqueue(url: str, lane: str, docs: list[dict]) -> list[str]:
    answer = httpx.post(f"{url}/_mock/scenarios?lane={lane}", json=docs, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["ids"]


def _sdk(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="k", max_retries=0, timeout=10,
                         default_headers=NEW_CONNECTION)


def _streamed_text(client: openai.OpenAI) -> str:
    """One streamed completion through the openai SDK (on a new connection)."""
    stream = client.chat.completions.create(**CHAT, stream=True)
    return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)


def _journal(url: str, lane: str | None = None) -> dict:
    query = f"?lane={lane}" if lane else ""
    answer = httpx.get(f"{url}/_mock/journal{query}", headers=NEW_CONNECTION, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_twenty_enqueued_scenarios_play_exactly_once_each_over_new_connections(
    served_with_redis,
) -> None:
    url, lane = served_with_redis.url, _lane()
    _enqueue(url, lane, [{"response": {"text": f"reply {i}"}} for i in range(20)])
    with _sdk(served_with_redis.lane_url(lane)) as client:
        texts = [_streamed_text(client) for _ in range(20)]
        assert texts == [f"reply {i}" for i in range(20)]  # FIFO, each exactly once
        assert _streamed_text(client) == "You said: hi"  # the queue is used up
    queue = httpx.get(f"{url}/_mock/scenarios?lane={lane}", timeout=10).json()["scenarios"]
    assert [q["used"] for q in queue] == [1] * 20
    entries = _journal(url, lane)["requests"]
    assert len(entries) == 21 and {e["worker"] for e in entries} == {0, 1}


def test_twenty_enqueued_scenarios_play_exactly_once_each_under_four_concurrent_clients(
    served_with_redis,
) -> None:
    url, lane = served_with_redis.url, _lane()
    _enqueue(url, lane, [{"response": {"text": f"reply {i}"}} for i in range(20)])
    clients = [_sdk(served_with_redis.lane_url(lane)) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda i: _streamed_text(clients[i % 4]), range(20)))
    for client in clients:
        client.close()
    assert sorted(texts) == sorted(f"reply {i}" for i in range(20))
    queue = httpx.get(f"{url}/_mock/scenarios?lane={lane}", timeout=10).json()["scenarios"]
    assert [q["used"] for q in queue] == [1] * 20
    assert {e["worker"] for e in _journal(url, lane)["requests"]} == {0, 1}


def test_journal_is_one_list_in_arrival_order_whichever_worker_answers(
    served_with_redis, http
) -> None:
    url, first, second = served_with_redis.url, _lane(), _lane()
    sent = []
    for i in range(16):
        lane = (first, second)[i % 2]
        body = {**CHAT, "messages": [{"role": "user", "content": f"message {i}"}]}
        http.post(f"{url}/lane/{lane}/v1/chat/completions", json=body)
        sent.append((lane, f"message {i}"))
    everything = _journal(url)["requests"]
    ours = [(e["lane"], e["body"]["messages"][0]["content"]) for e in everything
            if e["lane"] in (first, second)]
    assert ours == sent
    indexes = [e["index"] for e in everything]
    assert indexes == sorted(indexes) and len(set(indexes)) == len(indexes)
    assert {e["worker"] for e in everything if e["lane"] in (first, second)} == {0, 1}
    # any worker answers for the shared journal, and a lane's view is its part of the list
    assert all(_journal(url, first)["requests"] == [e for e in everything if e["lane"] == first]
               for _ in range(4))


def test_same_lane_and_index_give_the_same_bytes_as_one_process(
    served_with_redis, http
) -> None:
    """Seeds derive from (seed, lane, index): the lane's shared counter makes request k of a
    lane the same bytes whichever worker serves it, and the same as one process sends."""
    lane = _lane()
    body = {**CHAT, "stream": True}

    def bodies(base: str) -> list[bytes]:
        return [http.post(f"{base}/lane/{lane}/v1/chat/completions", json=body).content
                for _ in range(16)]

    shared = bodies(served_with_redis.url)
    with MockServer(seed=7) as alone:
        reference = bodies(alone.url)
    assert shared == reference and len(set(shared)) == 16  # ids differ per index
    assert {e["worker"] for e in _journal(served_with_redis.url, lane)["requests"]} == {0, 1}


def test_reset_through_one_worker_clears_the_lane_for_all(served_with_redis, http) -> None:
    url, lane = served_with_redis.url, _lane()
    _enqueue(url, lane, [{"response": {"text": "left over"}, "times": 5}])
    http.post(f"{url}/lane/{lane}/v1/chat/completions", json=CHAT)
    assert http.post(f"{url}/_mock/reset?lane={lane}").status_code == 200
    for _ in range(4):  # over new connections: both workers see the empty lane
        assert http.get(f"{url}/_mock/scenarios?lane={lane}").json()["scenarios"] == []
        assert _journal(url, lane) == {"requests": [], "evicted": 0}
    with _sdk(served_with_redis.lane_url(lane)) as client:
        assert _streamed_text(client) == "You said: hi"


def test_websocket_on_a_lane_plays_its_queued_script_once(served_with_redis) -> None:
    url, lane = served_with_redis.url, _lane()
    _enqueue(url, lane, [{"response": {"text": "over the socket"}}])
    ws_url = url.replace("http://", "ws://") + f"/lane/{lane}/v1/ws/chat"
    replies = []
    for _ in range(2):
        with ws_client.connect(ws_url, open_timeout=10) as ws:
            ws.send(json.dumps({"type": "auth", "api_key": "k"}))
            assert json.loads(ws.recv(timeout=10))["type"] == "auth_success"
            ws.send(json.dumps({"type": "message", "model": "gpt-4.1", "content": "hi"}))
            text = ""
            while (message := json.loads(ws.recv(timeout=10)))["type"] == "chunk":
                text += message["content"]
            assert message["type"] == "done"
            replies.append(text)
    assert replies == ["over the socket", "You said: hi"]
    entries = _journal(url, lane)["requests"]
    assert [e["status"] for e in entries] == [101, 101]


INNER = '''
import openai
import pytest


@pytest.mark.parametrize("n", range(3))
def test_each_test_gets_its_queued_answers_from_the_shared_workers(mockserver, n):
    mockserver.stream(f"first {n}")
    mockserver.stream(f"second {n}")
    client = openai.OpenAI(base_url=mockserver.base_url, api_key="k", max_retries=0,
                           timeout=10, default_headers={"Connection": "close"})
    texts = [client.chat.completions.create(
        model="gpt-4.1", messages=[{"role": "user", "content": "hi"}]
    ).choices[0].message.content for _ in range(2)]
    assert texts == [f"first {n}", f"second {n}"]
    assert [r.status for r in mockserver.requests] == [200, 200]
'''


def test_pytest_plugin_scripts_lanes_of_the_workers_through_mockserver_url(
    served_with_redis, pytester
) -> None:
    """`--mockserver-url` drives the admin API: with --state any worker answers it, so a test
    suite (or several xdist workers) can share one multi-process server."""
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider -p no:randomly\n"
                     "filterwarnings = error\nasyncio_mode = strict\n"
                     "asyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess(f"--mockserver-url={served_with_redis.url}",
                                           timeout=120)
    result.assert_outcomes(passed=3)
