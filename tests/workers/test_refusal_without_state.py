"""`serve --workers 2` without `--state`: every worker would keep its own lanes, so lane
operations are refused with a 400 in the route's own error shape that names --state, while
stateless selection works in every worker."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import httpx
import openai
import pytest
import websockets.exceptions
import websockets.sync.client as ws_client

from tests.workers.conftest import Served

CHAT = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}
CLOSE = {"Connection": "close"}


@pytest.fixture(scope="module")
def unshared() -> Iterator[Served]:
    served = Served("--workers", "2")
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(headers=CLOSE, timeout=10) as client:
        yield client


def test_lane_urls_are_refused_in_the_routes_own_shape(unshared) -> None:
    with openai.OpenAI(base_url=unshared.lane_url("a"), api_key="k", max_retries=0,
                       timeout=10) as sdk:
        with pytest.raises(openai.BadRequestError) as refused:
            sdk.chat.completions.create(**CHAT)
    assert refused.value.code == "state_required" and "--state redis://" in str(refused.value)
    with anthropic.Anthropic(base_url=f"{unshared.url}/lane/a", api_key="k", max_retries=0,
                             timeout=10) as claude:
        with pytest.raises(anthropic.BadRequestError) as anthropic_refused:
            claude.messages.create(model="claude-sonnet-4.5", max_tokens=10,
                                   messages=[{"role": "user", "content": "hi"}])
    assert anthropic_refused.value.body["error"]["type"] == "invalid_request_error"
    assert "--state" in anthropic_refused.value.body["error"]["message"]
    ws_url = unshared.url.replace("http://", "ws://") + "/lane/a/v1/ws/chat"
    with pytest.raises(websockets.exceptions.InvalidStatus) as denied:
        ws_client.connect(ws_url, open_timeout=10)
    assert denied.value.response.status_code == 400


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/_mock/scenarios"), ("GET", "/_mock/scenarios?lane=a"),
    ("GET", "/_mock/journal"), ("POST", "/_mock/reset"),
])
def test_admin_lane_operations_are_refused_naming_state(unshared, http, method, path) -> None:
    answer = http.request(method, unshared.url + path, json={"response": {"text": "x"}})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "state_required" and "--state redis://HOST:PORT/DB" in error[
        "message"]


def test_stateless_selection_works_in_every_worker(unshared, http) -> None:
    url = unshared.url
    for _ in range(6):  # new connections: both workers answer
        assert http.get(f"{url}/_mock/health").json() == {"status": "ok"}
        default = http.post(f"{url}/v1/chat/completions", json=CHAT).json()
        assert default["choices"][0]["message"]["content"] == "You said: hi"
        named = http.post(f"{url}/scenario/hello-stream/v1/chat/completions",
                          json={**CHAT, "stream": True})
        assert named.status_code == 200 and named.text.endswith("data: [DONE]\n\n")
        faulted = http.post(f"{url}/v1/chat/completions", json=CHAT,
                            headers={"X-Mock-Fault": "status(code=429)"})
        assert faulted.status_code == 429
