"""Redis stopped and started again under a running `serve --workers 2 --state`: lane
operations answer 503 in the route's own error shape, requests that need no lane keep
working, and lanes work again once Redis is back, without restarting mockserver."""

from __future__ import annotations

import time
from collections.abc import Iterator

import anthropic
import httpx
import openai
import pytest

from mockserver.transport.redis_store import RETRY_AFTER_S
from tests.workers.conftest import RedisServer, Served

CHAT = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}
CLOSE = {"Connection": "close"}


@pytest.fixture
def redis_and_served(tmp_path) -> Iterator[tuple[RedisServer, Served]]:
    redis = RedisServer(tmp_path).start()
    served = None
    try:
        served = Served("--workers", "2", "--state", redis.url)
        yield redis, served
    finally:
        if served is not None:
            served.stop()
        redis.stop()


def _enqueue(http: httpx.Client, url: str, lane: str, text: str) -> httpx.Response:
    return http.post(f"{url}/_mock/scenarios?lane={lane}", json={"response": {"text": text}})


def test_lost_redis_gives_503_on_lanes_keeps_stateless_requests_and_recovers(
    redis_and_served,
) -> None:
    redis, served = redis_and_served
    url = served.url
    sdk = openai.OpenAI(base_url=served.lane_url("r"), api_key="k", max_retries=0, timeout=10,
                        default_headers=CLOSE)
    claude = anthropic.Anthropic(base_url=f"{url}/lane/r", api_key="k", max_retries=0,
                                 timeout=10, default_headers=CLOSE)
    root = openai.OpenAI(base_url=f"{url}/v1", api_key="k", max_retries=0, timeout=10,
                         default_headers=CLOSE)
    with httpx.Client(headers=CLOSE, timeout=10) as http:
        assert _enqueue(http, url, "r", "before").status_code == 201
        reply = sdk.chat.completions.create(**CHAT)
        assert reply.choices[0].message.content == "before"

        redis.stop()
        for _ in range(4):  # both workers, over new connections
            with pytest.raises(openai.InternalServerError) as lane_error:
                sdk.chat.completions.create(**CHAT)
            assert lane_error.value.status_code == 503
            assert lane_error.value.code == "state_unavailable"
            with pytest.raises(anthropic.InternalServerError) as claude_error:
                claude.messages.create(model="claude-sonnet-4.5", max_tokens=10,
                                       messages=[{"role": "user", "content": "hi"}])
            assert claude_error.value.status_code == 503
            assert claude_error.value.body["error"]["type"] == "api_error"  # Anthropic's shape
            admin = http.get(f"{url}/_mock/journal")
            assert admin.status_code == 503
            assert admin.json()["error"]["code"] == "state_unavailable"
            # no lane needed: the faithful default on /v1 and a scenario chosen by URL
            assert root.chat.completions.create(**CHAT).choices[0].message.content == (
                "You said: hi")
            named = http.post(f"{url}/scenario/hello-stream/v1/chat/completions",
                              json={**CHAT, "stream": True})
            assert named.status_code == 200 and named.text.endswith("data: [DONE]\n\n")

        redis.start()  # same port, empty: the workers reconnect by themselves
        deadline = time.monotonic() + 20
        while _enqueue(http, url, "r", "after").status_code != 201:
            assert time.monotonic() < deadline, "lanes did not come back after Redis did"
            time.sleep(0.1)
        # one worker is back; the other tries Redis again once its pause after a failure
        # (RETRY_AFTER_S) has passed, on its next lane operation
        time.sleep(2 * RETRY_AFTER_S)
        assert sdk.chat.completions.create(**CHAT).choices[0].message.content == "after"
        for _ in range(4):  # every worker answers for the lane again
            assert http.get(f"{url}/_mock/journal?lane=r").status_code == 200
        entries = http.get(f"{url}/_mock/journal?lane=r").json()["requests"]
        assert [e["status"] for e in entries] == [200]
    for client in (sdk, claude, root):
        client.close()
