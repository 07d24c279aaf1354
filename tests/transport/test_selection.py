"""What a request gets (SPEC 2.3, first match wins): X-Mock-Fault, X-Mock-Scenario or
/scenario/<name>/v1, the lane's queue (sequence, times, match), chaos, the faithful default."""

from __future__ import annotations

import uuid

import httpx
import openai
import pytest

from mockserver import MockServer
from mockserver.cli.loader import load_scenarios
from mockserver.faults import parse_faults

MESSAGES = [{"role": "user", "content": "pick me"}]
BODY = {"model": "gpt-4o", "messages": MESSAGES, "stream": True}
DEFAULT = "You said: pick me"


@pytest.fixture
def lane() -> str:
    return f"sel-{uuid.uuid4().hex[:8]}"


def sdk(base_url: str, *, retries: int = 0, headers: dict[str, str] | None = None) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="x", max_retries=retries,
                         timeout=openai.Timeout(3, connect=2), default_headers=headers or {})


def ask(c: openai.OpenAI, model: str = "gpt-4o") -> str:
    chunks = c.chat.completions.create(model=model, messages=MESSAGES, stream=True)
    return "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)


def test_faithful_default_when_nothing_is_chosen(server, lane):
    with httpx.Client(timeout=3) as c:
        r = c.post(server.url_for("/v1/chat/completions", lane=lane), json=BODY)
    assert r.status_code == 200 and "x-mock-fault" not in r.headers
    with sdk(server.lane_base_url(lane)) as c:
        assert ask(c) == DEFAULT
    entry = server.requests(lane)[0]
    assert entry.scenario is None and entry.faults == () and entry.outcome == "completed"


def test_x_mock_fault_adds_to_the_queued_scenario(server, lane):
    server.enqueue({"response": {"text": "Queued answer for you"}}, lane=lane)
    headers = {"X-Mock-Fault": "close(after=2, mode=clean)"}
    with sdk(server.lane_base_url(lane), headers=headers) as c:
        assert ask(c) == "Queued"
    entry = server.requests(lane)[0]
    assert entry.scenario == "queued" and entry.faults == ("close(after=2, mode=clean)",)


def test_named_scenario_by_header_or_url_beats_the_queue(server, lane):
    server.enqueue({"response": {"text": "from the queue"}}, lane=lane)
    with sdk(server.lane_base_url(lane), headers={"X-Mock-Scenario": "hello-stream"}) as c:
        assert ask(c) == "Hello there, world!"
    with sdk(server.url_for("/scenario/hello-stream/v1", lane=lane)) as c:
        assert ask(c) == "Hello there, world!"
    with sdk(server.lane_base_url(lane)) as c:
        assert ask(c) == "from the queue"  # untouched until now
    assert [e.scenario for e in server.requests(lane)] == ["hello-stream", "hello-stream", "queued"]


def test_unknown_scenario_is_a_404_naming_the_known_ones(server, lane):
    with httpx.Client(timeout=3) as c:
        r = c.post(server.url_for("/scenario/nope/v1/chat/completions", lane=lane), json=BODY)
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "unknown_scenario"
        assert "hello-stream" in r.json()["error"]["message"]
        ok = c.post(server.url_for("/v1/chat/completions", lane=lane), json=BODY)
        assert ok.status_code == 200


def test_lanes_have_their_own_queue_and_journal(server):
    a, b = f"a-{uuid.uuid4().hex[:6]}", f"b-{uuid.uuid4().hex[:6]}"
    server.enqueue({"response": {"text": "only for lane a"}}, lane=a)
    with sdk(server.lane_base_url(b)) as c:
        assert ask(c) == DEFAULT
    with sdk(server.lane_base_url(a)) as c:
        assert ask(c) == "only for lane a"
    assert [e.lane for e in server.requests(a)] == [a]
    assert [e.lane for e in server.requests(b)] == [b]


def test_sequence_500_500_200_is_consumed_in_order_by_sdk_retries(server, lane):
    fast = {"retry-after-ms": "10"}
    server.enqueue({"sequence": [
        {"error": {"status": 500, "headers": fast}},
        {"error": {"status": 500, "headers": fast}},
        {"text": "third time lucky"},
    ]}, lane=lane)
    with sdk(server.lane_base_url(lane), retries=2) as c:
        assert ask(c) == "third time lucky"
    entries = server.requests(lane)
    assert [e.status for e in entries] == [500, 500, 200]
    assert [e.headers["x-stainless-retry-count"] for e in entries] == ["0", "1", "2"]


def test_library_retry_sequence_by_url(server, lane):
    with sdk(server.url_for("/scenario/retry-429-429-200/v1", lane=lane), retries=2) as c:
        assert ask(c) == "Recovered after two rate limits."
    assert [e.status for e in server.requests(lane)] == [429, 429, 200]


def test_times_limits_a_queued_scenario_then_the_default_returns(server, lane):
    server.enqueue({"times": 2, "response": {"text": "twice"}}, lane=lane)
    with sdk(server.lane_base_url(lane)) as c:
        assert [ask(c) for _ in range(3)] == ["twice", "twice", DEFAULT]
    server.enqueue({"times": "always", "response": {"text": "forever"}}, lane=lane)
    with sdk(server.lane_base_url(lane)) as c:
        assert {ask(c) for _ in range(4)} == {"forever"}


def test_match_on_model_and_path(server, lane):
    server.enqueue({"match": {"model": "gpt-4o-mini"}, "response": {"text": "mini"}},
                   {"match": {"path": "/v1/completions"}, "response": {"text": "legacy"}},
                   lane=lane)
    with sdk(server.lane_base_url(lane)) as c:
        assert ask(c, "gpt-4o") == DEFAULT
        assert ask(c, "gpt-4o-mini") == "mini"
        done = c.completions.create(model="gpt-3.5-turbo-instruct", prompt="x")
        assert done.choices[0].text == "legacy"


# -- the four entry points of a fault: header, server option, scenario file, Python ------------
def _breaks(base_url: str, headers: dict[str, str] | None = None) -> None:
    with httpx.Client(timeout=3) as c, pytest.raises(httpx.RemoteProtocolError):
        c.post(f"{base_url}/chat/completions", json=BODY, headers=headers or {})


def test_a_fault_from_each_entry_point(server, lane, tmp_path):
    _breaks(server.lane_base_url(lane), {"X-Mock-Fault": "broken_chunked(after=1)"})
    server.enqueue({"faults": [{"name": "broken_chunked", "after": 1}]}, lane=lane)
    _breaks(server.lane_base_url(lane))
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\ntimes: always\nfaults: ['broken_chunked(after=1)']\n")
    with MockServer(scenarios=load_scenarios(path)) as other:
        _breaks(other.url_for("/scenario/mine/v1"))
    with MockServer(faults=parse_faults("broken_chunked(after=1)")) as other:
        _breaks(other.base_url)
        assert other.requests()[0].faults == ("broken_chunked",)  # after=1 is the default


# -- chaos ------------------------------------------------------------------------------------
def _chaos_run(seed: int, n: int = 16) -> list[str | None]:
    seen = []
    with MockServer(chaos=0.5, seed=seed) as s, httpx.Client(timeout=3) as c:
        for _ in range(n):
            with c.stream("POST", f"{s.base_url}/chat/completions", json=BODY) as r:
                seen.append(r.headers.get("x-mock-fault"))
        journal = s.requests()
        assert [";".join(e.faults) or None for e in journal] == [
            h.replace("; ", ";") if h else None for h in seen
        ]
        assert all(e.scenario == "chaos" for e, h in zip(journal, seen, strict=True) if h)
    return seen


def test_chaos_is_seeded_journaled_and_sent_as_x_mock_fault():
    first = _chaos_run(seed=5)
    assert any(first) and not all(first)
    assert _chaos_run(seed=5) == first


def test_explicit_x_mock_fault_skips_the_chaos_draw():
    with MockServer(chaos=1.0, seed=1) as s, httpx.Client(timeout=3) as c:
        r = c.post(f"{s.base_url}/chat/completions", json=BODY, headers={"X-Mock-Fault": "bom"})
        assert r.headers["x-mock-fault"] == "bom"
        with c.stream("POST", f"{s.base_url}/chat/completions", json=BODY) as r:
            assert r.headers["x-mock-fault"] not in ("", "bom")
