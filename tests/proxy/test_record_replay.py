"""`serve --record DIR` saves each proxied exchange as a scenario file; `serve --scenarios DIR`
replays it with the recorded timing (`--timing fast`: none); no secret reaches the disk."""

from __future__ import annotations

import time
from pathlib import Path

import anthropic
import httpx
import openai
import pytest
import yaml

from mockserver import MockServer
from mockserver.cli.loader import load_scenarios
from mockserver.core.plan import Sleep
from mockserver.transport.state import ServerConfig
from tests.proxy.conftest import chat, journal
from tests.proxy.paced_upstream import SECRET, WORDS

KEYS = {
    "authorization": "Bearer sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6",
    "x-api-key": "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2",
    "api-key": "0f3c9a7e5b1d2c4f6a8e0b9d7c5a3f1e",
    "cookie": "session=c2Vzc2lvbi1zZWNyZXQtdmFsdWUtMTIzNDU2",
    "x-team-token": "tok_8f2a9c4e1b7d3f6a0c5e9b2d8f4a1c7e",
}
QUERY_KEY = "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"


def _recorded(directory: Path, count: int = 1, timeout: float = 5.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(directory.glob("*.yaml"))
        if len(found) >= count:
            return found
        time.sleep(0.01)
    return sorted(directory.glob("*.yaml"))


def _replay_server(directory: Path, **config) -> MockServer:  # noqa: ANN003
    server = MockServer(config=ServerConfig(**config))
    for scenario in load_scenarios(directory):
        server.state.add_library(scenario)
    return server


def test_a_recorded_stream_replays_the_same_text_with_its_timing(paced, proxy, tmp_path
                                                                  ) -> None:
    recorder = proxy(paced.url, record_dir=str(tmp_path))
    client = openai.OpenAI(base_url=recorder.base_url, api_key="sk-test", max_retries=0,
                           timeout=10)

    def ask(c: openai.OpenAI) -> str:
        stream = c.chat.completions.create(
            model="paced-1", messages=[{"role": "user", "content": "record me"}], stream=True)
        return "".join(chunk.choices[0].delta.content or "" for chunk in stream)

    assert ask(client) == "".join(WORDS)
    (path,) = _recorded(tmp_path)  # the SDK left at [DONE]: the proxy records it then
    doc = yaml.safe_load(path.read_text())
    assert doc["match"] == {"path": "/v1/chat/completions", "model": "paced-1",
                            "body": {"messages": [{"role": "user", "content": "record me"}]}}
    assert doc["response"]["chunks"] == WORDS and doc["response"]["finish_reason"] == "stop"
    gaps = doc["timing"]["gaps_ms"]
    assert len(gaps) == 7 and min(gaps[1:]) >= 40  # the upstream paced them 50 ms apart
    assert doc["recorded"]["upstream"] == paced.url + "/v1/chat/completions"

    with _replay_server(tmp_path) as replay:
        replayer = openai.OpenAI(base_url=replay.base_url, api_key="x", max_retries=0,
                                 timeout=10)
        started = time.monotonic()
        assert ask(replayer) == "".join(WORDS)
        took = time.monotonic() - started
        (entry,) = journal(replay)
        assert entry.scenario == doc["name"] and not entry.proxied
        paced_for = entry.plan.total_sleep()
        assert paced_for == pytest.approx((doc["timing"]["first_token_ms"] + sum(gaps)) / 1000)
        assert took >= paced_for * 0.9  # sleeps are never shorter than asked
    with _replay_server(tmp_path, fast=True) as fast:
        assert ask(openai.OpenAI(base_url=fast.base_url, api_key="x", max_retries=0)) == \
            "".join(WORDS)
        assert not any(isinstance(op, Sleep) for op in journal(fast)[0].plan.ops)


def test_recordings_replay_on_every_route_and_without_a_stream(upstream, proxy, tmp_path
                                                               ) -> None:
    recorder = proxy(upstream.url, record_dir=str(tmp_path))
    httpx.post(recorder.url + "/v1/chat/completions", json=chat("json please", stream=False))
    httpx.post(recorder.url + "/v1/messages", json={
        "model": "claude-sonnet-4.5", "max_tokens": 50, "stream": True,
        "messages": [{"role": "user", "content": "anthropic"}]})
    assert len(_recorded(tmp_path, 2)) == 2
    with _replay_server(tmp_path) as replay:
        body = httpx.post(replay.url + "/v1/chat/completions",
                          json=chat("json please", stream=False)).json()
        assert body["choices"][0]["message"]["content"] == "You said: json please"
        claude = anthropic.Anthropic(base_url=replay.url, api_key="x", max_retries=0)
        message = claude.messages.create(model="claude-sonnet-4.5", max_tokens=50,
                                         messages=[{"role": "user", "content": "anthropic"}])
        assert message.content[0].text == "You said: anthropic"  # recorded stream, replayed whole
        other = httpx.post(replay.url + "/v1/chat/completions", json=chat("not recorded"))
        assert other.status_code == 200 and journal(replay)[-1].scenario is None


def test_an_upstream_cut_is_recorded_as_a_cut(paced, proxy, tmp_path) -> None:
    recorder = proxy(paced.url, record_dir=str(tmp_path))
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(recorder.url + "/v1/chat/completions", json=chat("cut"),
                   headers={"x-paced": "cut=3"}, timeout=10)
    (path,) = tmp_path.glob("*.yaml")
    doc = yaml.safe_load(path.read_text())
    assert doc["faults"] == ["close(after=3, mode=abrupt)"] and doc["recorded"]["cut"] is True


def test_no_secret_reaches_the_disk(paced, proxy, tmp_path) -> None:
    recorder = proxy(paced.url, record_dir=str(tmp_path))
    body = chat(f"my key is {KEYS['authorization'][7:]}, keep it safe")
    got = httpx.post(recorder.url + f"/v1/chat/completions?key={QUERY_KEY}&api-version=1",
                     json=body, headers={**KEYS, "x-paced": "secret"}, timeout=10)
    assert got.status_code == 200
    assert got.headers["x-upstream-token"] == SECRET  # the client itself gets everything
    assert paced.requests[-1]["headers"]["authorization"] == KEYS["authorization"]
    (path,) = tmp_path.glob("*.yaml")
    text = path.read_text()
    secrets = [*KEYS.values(), KEYS["authorization"][7:], QUERY_KEY, SECRET,
               KEYS["cookie"].split("=", 1)[1]]
    assert [s for s in secrets if s in text] == []
    doc = yaml.safe_load(text)
    assert doc["recorded"]["request"]["headers"]["authorization"] == "REDACTED"
    assert doc["recorded"]["headers"]["set-cookie"] == "REDACTED"
    assert "api-version=1" in doc["recorded"]["upstream"]
    assert doc["recorded"]["headers"]["x-request-id"] == "req_paced"  # ids are not secrets
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
