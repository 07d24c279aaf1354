"""`serve --workers 2 --state redis://... --upstream URL`: each worker forwards what no lane
scripts to the upstream (a mockserver on 127.0.0.1), a lane's faults-only scenario is taken
from Redis exactly once and applied live, a lane's scripted answer (matched on its body
fields inside Redis) is played instead of forwarding, and the shared journal says which
requests were proxied and to where."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest

from mockserver import MockServer
from tests.workers.conftest import Served

NEW_CONNECTION = {"Connection": "close"}


@pytest.fixture(scope="module")
def upstream() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running
        running.check()


def _chat(url: str, text: str) -> httpx.Response:
    return httpx.post(url, json={"model": "gpt-4.1", "stream": True,
                                 "messages": [{"role": "user", "content": text}]},
                      headers=NEW_CONNECTION, timeout=10)


def _text(answer: httpx.Response) -> str:
    out = ""
    for line in answer.text.splitlines():
        if line.startswith("data: {"):
            for choice in json.loads(line[6:])["choices"]:
                out += choice["delta"].get("content") or ""
    return out


def test_workers_forward_take_lane_faults_from_redis_and_journal_proxied(
        redis_server, upstream) -> None:
    served = Served("--workers", "2", "--state", redis_server.url, "--upstream", upstream.url)
    try:
        lane = f"p-{uuid.uuid4().hex[:8]}"
        url = f"{served.url}/lane/{lane}/v1/chat/completions"
        docs = [{"faults": ["close(after=2, mode=clean)"]},
                {"match": {"body": {"messages": [{"role": "user", "content": "scripted"}]}},
                 "response": {"text": "from the lane"}}]
        added = httpx.post(f"{served.url}/_mock/scenarios?lane={lane}", json=docs,
                           headers=NEW_CONNECTION, timeout=10)
        assert added.status_code == 201, added.text
        cut = _chat(url, "first")
        assert _text(cut) == "You" and b"[DONE]" not in cut.content  # the upstream's, cut live
        assert _text(_chat(url, "second")) == "You said: second"  # the faults were used once
        assert _text(_chat(url, "scripted")) == "from the lane"  # body matched inside Redis
        entries = httpx.get(f"{served.url}/_mock/journal?lane={lane}", headers=NEW_CONNECTION,
                            timeout=10).json()["requests"]
        assert [e.get("upstream") for e in entries] == [
            upstream.url + "/v1/chat/completions"] * 2 + [None]
        assert entries[0]["faults"] == ["close(after=2, mode=clean)"] and entries[0]["proxied"]
        assert f"mockserver forwards every path to {upstream.url}" in served.lines
    finally:
        served.stop()
