"""`serve --upstream URL` without faults: what the upstream sends reaches the client byte for
byte, as it arrives (SPEC 10). Upstreams are a second mockserver and a paced one, on
127.0.0.1."""

from __future__ import annotations

import threading

import anthropic
import httpx
import openai

from tests.proxy.conftest import chat, journal, sent_by
from tests.proxy.paced_upstream import WORDS, events


def test_a_proxied_stream_is_the_upstreams_bytes_exactly(upstream, proxy) -> None:
    server = proxy(upstream.url)
    body = chat("pass me through", stream_options={"include_usage": True})
    got = httpx.post(server.url + "/v1/chat/completions", json=body, timeout=10)
    sent = sent_by(upstream, "pass me through")
    assert sent.plan is not None
    assert got.status_code == 200 and got.content == sent.plan.body()
    assert got.headers["x-request-id"] == sent.plan.start.header("x-request-id")
    (entry,) = journal(server)
    assert entry.proxied and entry.upstream == upstream.url + "/v1/chat/completions"
    assert entry.to_dict()["proxied"] is True and entry.outcome == "completed"


def test_a_json_answer_passes_unchanged_with_its_status(upstream, proxy) -> None:
    server = proxy(upstream.url)
    got = httpx.post(server.url + "/v1/chat/completions", json=chat("json", stream=False))
    assert got.status_code == 200
    assert got.content == sent_by(upstream, "json").plan.body()
    wrong = httpx.post(server.url + "/v1/chat/completions",
                       json={"model": "gpt-4.1", "messages": [], "temperature": "hot"})
    assert wrong.status_code == 400  # the upstream's own validation answers
    assert wrong.json()["error"]["param"] in ("temperature", "messages")


def test_lane_prefix_is_stripped_and_headers_pass_except_hop_by_hop_and_mock_ones(
        upstream, proxy) -> None:
    server = proxy(upstream.url)
    httpx.post(server.url + "/lane/t1/v1/chat/completions", json=chat("headers"),
               headers={"authorization": "Bearer sk-test", "x-custom": "kept",
                        "x-mock-token": "ours", "connection": "keep-alive"})
    sent = sent_by(upstream, "headers")
    assert sent.path == "/v1/chat/completions" and sent.lane == "default"
    assert sent.headers["authorization"] == "Bearer sk-test"
    assert sent.headers["x-custom"] == "kept"
    assert "x-mock-token" not in sent.headers
    assert journal(server, "t1")[0].upstream == upstream.url + "/v1/chat/completions"


def test_route_prefixes_pick_their_upstream(upstream, paced, proxy) -> None:
    server = proxy(f"/api={paced.url}", upstream.url)
    ollama_like = httpx.post(server.url + "/api/chat", json={"model": "llama3.2"}, timeout=10)
    assert ollama_like.status_code == 200 and ollama_like.content == b"".join(events())
    assert paced.requests[-1]["path"] == "/api/chat"
    default = httpx.post(server.url + "/v1/chat/completions", json=chat("default route"))
    assert default.status_code == 200 and sent_by(upstream, "default route")


def test_sdks_stream_through_the_proxy(upstream, proxy) -> None:
    server = proxy(upstream.url)
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0,
                           timeout=10)
    stream = client.chat.completions.create(
        model="gpt-4.1", messages=[{"role": "user", "content": "openai sdk"}], stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in stream) == "You said: openai sdk"
    with client.responses.stream(model="gpt-4.1", input="responses sdk") as events_:
        assert events_.get_final_response().output_text == "You said: responses sdk"
    claude = anthropic.Anthropic(base_url=server.url, api_key="sk-ant-test", max_retries=0,
                                 timeout=10)
    with claude.messages.stream(model="claude-sonnet-4.5", max_tokens=50,
                                messages=[{"role": "user", "content": "claude sdk"}]) as s:
        assert s.get_final_text() == "You said: claude sdk"
    assert [e.path for e in journal(server)] == [
        "/v1/chat/completions", "/v1/responses", "/v1/messages"]


def test_a_stream_reaches_the_client_while_the_upstream_is_still_sending(paced, proxy
                                                                         ) -> None:
    """No buffering: the client reads every event but the last while the upstream holds the
    last one back, so the proxy cannot be waiting for the end of the upstream's body."""
    server = proxy(paced.url)
    got: list[bytes] = []
    ready = threading.Event()
    with httpx.Client(timeout=10) as client, client.stream(
            "POST", server.url + "/v1/chat/completions", json=chat("paced"),
            headers={"x-paced": "hold"}) as response:
        for chunk in response.iter_raw():
            got.append(chunk)
            if b"".join(got) == b"".join(events()[:-1]) and not ready.is_set():
                ready.set()
                paced.release()  # only now may the upstream send its last event
    assert ready.is_set(), "the first events did not arrive before the last was sent"
    assert b"".join(got) == b"".join(events())
    assert "".join(WORDS) == "Hello from a paced upstream"


def test_a_client_that_leaves_mid_stream_ends_the_upstream_request(paced, proxy) -> None:
    server = proxy(paced.url)
    with httpx.Client(timeout=10) as client, client.stream(
            "POST", server.url + "/v1/chat/completions", json=chat("leaving"),
            headers={"x-paced": "hold"}) as response:
        next(response.iter_raw())  # the first event, then the client goes away
    try:
        (entry,) = journal(server)
        assert entry.outcome == "client_disconnected" and entry.proxied
    finally:
        paced.release()
