"""HTTP-layer faults over a real socket, asserting what real clients observe.

failure-modes.md 2.2 (HTTP-06..12) and openai-wire.md 6.3-6.5: openai-python with
max_retries=0 and short timeouts, httpx / httpx-sse, and the journal for what was sent.
"""

from __future__ import annotations

import json
import time

import httpx
import httpx_sse
import openai
import pytest

from mockserver.core.plan import Sleep, Start, Write
from mockserver.faults.stall import KEEPALIVE

MESSAGES = [{"role": "user", "content": "hello there"}]
TEXT = "You said: hello there"
BODY = {"model": "gpt-4o", "messages": MESSAGES, "stream": True}


def client(lane, fault=None, *, timeout=3.0, retries=0):
    headers = {"X-Mock-Fault": fault} if fault else {}
    return openai.OpenAI(
        base_url=lane.base_url, api_key="x", max_retries=retries,
        timeout=openai.Timeout(timeout, connect=2.0), default_headers=headers,
    )


def stream_chunks(c):
    return list(c.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))


def text_of(chunks):
    return "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)


def wait_outcome(lane, index=-1, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entries = lane.requests()
        if entries and entries[index].outcome != "pending":
            return entries[index].outcome
        time.sleep(0.01)
    return lane.requests()[index].outcome


# -- not_streamed (HTTP-12) ---------------------------------------------------------------
def test_not_streamed_openai_stream_yields_zero_chunks(lane):
    with client(lane, "not_streamed") as c:
        assert stream_chunks(c) == []
    entry = lane.requests()[0]
    assert entry.faults == ("not_streamed",) and entry.status == 200


def test_not_streamed_body_is_a_chat_completion_and_httpx_sse_refuses_it(lane):
    with httpx.Client(timeout=3) as c:
        headers = {"X-Mock-Fault": "not_streamed"}
        r = c.post(lane.url("/v1/chat/completions"), json=BODY, headers=headers)
        assert r.headers["content-type"] == "application/json"
        body = r.json()
        assert body["object"] == "chat.completion"
        assert body["choices"][0]["message"]["content"] == TEXT
        headers = {"X-Mock-Fault": "not_streamed"}
        with httpx_sse.connect_sse(c, "POST", lane.url("/v1/chat/completions"), json=BODY,
                                   headers=headers) as source:
            with pytest.raises(httpx_sse.SSEError, match="text/event-stream"):
                list(source.iter_sse())


def test_not_streamed_keeps_the_scripted_tool_call(lane):
    args = '{"city": "Paris"}'
    lane.enqueue({"response": {"tool_calls": [{"name": "get_weather", "arguments": args}]},
                  "faults": ["not_streamed"]})
    with httpx.Client(timeout=3) as c:
        body = c.post(lane.url("/v1/chat/completions"), json=BODY).json()
    call = body["choices"][0]["message"]["tool_calls"][0]
    assert call["function"] == {"name": "get_weather", "arguments": args}
    assert body["choices"][0]["finish_reason"] == "tool_calls"


# -- content_type -------------------------------------------------------------------------
def test_content_type_httpx_sse_raises_while_openai_parses_the_stream(lane):
    fault = "content_type(value=text/plain)"
    with client(lane, fault) as c:
        assert text_of(stream_chunks(c)) == TEXT
    with httpx.Client(timeout=3) as c, httpx_sse.connect_sse(
        c, "POST", lane.url("/v1/chat/completions"), json=BODY, headers={"X-Mock-Fault": fault}
    ) as source:
        with pytest.raises(httpx_sse.SSEError, match="text/plain"):
            list(source.iter_sse())


def test_content_type_empty_value_sends_no_content_type(lane):
    with httpx.Client(timeout=3) as c:
        r = c.post(lane.url("/v1/chat/completions"), json=BODY,
                   headers={"X-Mock-Fault": 'content_type(value="")'})
    assert "content-type" not in r.headers
    assert r.text.endswith("data: [DONE]\n\n")


# -- slow_headers / first_token_delay (HTTP-06) -------------------------------------------
def test_slow_headers_read_timeout_fires_before_any_response(lane):
    with client(lane, "slow_headers(ms=5000)", timeout=0.3) as c:
        with pytest.raises(openai.APITimeoutError):
            stream_chunks(c)
    with httpx.Client(timeout=0.3) as c:
        with pytest.raises(httpx.ReadTimeout):
            c.post(lane.url("/v1/chat/completions"), json=BODY,
                   headers={"X-Mock-Fault": "slow_headers(ms=5000)"})
    assert wait_outcome(lane, 0) == "client_disconnected"


def test_slow_headers_patient_client_gets_the_full_answer(lane):
    with client(lane, "slow_headers(ms=30)") as c:
        assert text_of(stream_chunks(c)) == TEXT
    ops = lane.requests()[0].plan.ops
    assert isinstance(ops[0], Sleep) and isinstance(ops[1], Start)


def test_first_token_delay_headers_arrive_then_the_read_times_out(lane):
    headers = {"X-Mock-Fault": "first_token_delay(ms=5000)"}
    with httpx.Client(timeout=0.3) as c:
        with c.stream("POST", lane.url("/v1/chat/completions"), json=BODY, headers=headers) as r:
            assert r.status_code == 200
            with pytest.raises(httpx.ReadTimeout):
                r.read()
    with client(lane, headers["X-Mock-Fault"], timeout=0.3) as c:
        with pytest.raises(openai.APITimeoutError):
            stream_chunks(c)
    ops = lane.requests()[0].plan.ops
    assert isinstance(ops[0], Start) and isinstance(ops[1], Sleep) and ops[1].seconds == 5.0


# -- drip (HTTP-09) -----------------------------------------------------------------------
def test_drip_delivers_exactly_the_same_bytes_in_small_writes(lane):
    lane.enqueue({"seed": 7, "faults": ["drip(bytes_per_s=10000)"]}, {"seed": 7})
    with httpx.Client(timeout=3) as c:
        got = []
        for _ in range(2):
            with c.stream("POST", lane.url("/v1/chat/completions"), json=BODY) as r:
                got.append(b"".join(r.iter_raw()))
    dripped, plain = lane.requests()
    assert got[0] == got[1] == plain.plan.body() == dripped.plan.body()
    writes = [op for op in dripped.plan.ops if isinstance(op, Write)]
    assert max(len(w.data) for w in writes) == 200 and len(writes) > 8


# -- stall (HTTP-06/07/08) ----------------------------------------------------------------
def test_stall_openai_times_out_after_the_first_events(lane):
    received = []
    with client(lane, "stall(after=2, seconds=10)", timeout=0.4) as c:
        with pytest.raises(openai.APITimeoutError):
            for chunk in c.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
                received.append(chunk)
    assert len(received) == 2 and text_of(received) == "You"
    assert wait_outcome(lane) == "client_disconnected"


def test_stall_after_zero_sends_headers_then_nothing(lane):
    headers = {"X-Mock-Fault": "stall(after=0, seconds=10)"}
    with httpx.Client(timeout=0.3) as c:
        with c.stream("POST", lane.url("/v1/chat/completions"), json=BODY, headers=headers) as r:
            assert r.status_code == 200
            with pytest.raises(httpx.ReadTimeout):
                r.read()


def test_stall_with_keepalives_never_trips_the_read_timeout(lane):
    fault = "stall(after=2, seconds=0.8, keepalive_ms=100)"
    with client(lane, fault, timeout=0.5) as c:
        assert text_of(stream_chunks(c)) == TEXT
    body = lane.requests()[0].plan.body()
    assert body.count(KEEPALIVE) >= 7


# -- status (HTTP-10, 11, 13, 22) ---------------------------------------------------------
def test_status_429_is_retried_and_the_journal_shows_every_attempt(lane):
    with client(lane, "status(code=429, retry_after=1, retry_after_ms=10)", retries=2) as c:
        with pytest.raises(openai.RateLimitError) as info:
            stream_chunks(c)
    assert info.value.response.headers["retry-after"] == "1"
    assert info.value.response.headers["x-ratelimit-remaining-requests"] == "0"
    assert info.value.code == "rate_limit_exceeded"
    entries = lane.requests()
    assert [e.status for e in entries] == [429, 429, 429]
    assert [e.headers.get("x-stainless-retry-count") for e in entries] == ["0", "1", "2"]


def test_status_should_retry_false_is_not_retried(lane):
    with client(lane, "status(code=503, should_retry=false)", retries=2) as c:
        with pytest.raises(openai.InternalServerError):
            stream_chunks(c)
    assert len(lane.requests()) == 1


def test_status_retry_after_beyond_the_cap_is_not_retried(lane):
    with client(lane, "status(code=429, retry_after=500)", retries=2) as c:
        with pytest.raises(openai.RateLimitError):
            stream_chunks(c)
    assert len(lane.requests()) == 1


def test_status_type_and_message_reach_the_sdk_error(lane):
    with client(lane, 'status(code=400, type=invalid_request_error, message="bad, very bad")') as c:
        with pytest.raises(openai.BadRequestError) as info:
            stream_chunks(c)
    assert info.value.message == "Error code: 400 - bad, very bad"
    assert info.value.type == "invalid_request_error"


@pytest.mark.parametrize(
    ("body", "content_type", "marker"),
    [("html", "text/html", "cloudflare"), ("text", "text/plain", "502 Bad Gateway"),
     ("empty", "application/json", "")],
)
def test_status_proxy_bodies_give_a_status_typed_error(lane, body, content_type, marker):
    with client(lane, f"status(code=502, body={body})") as c:
        with pytest.raises(openai.InternalServerError) as info:
            stream_chunks(c)
    response = info.value.response
    assert response.status_code == 502
    assert response.headers["content-type"].startswith(content_type)
    assert marker in response.text
    if body == "empty":
        assert response.content == b""


def test_status_openai_body_has_the_four_error_fields(lane):
    with httpx.Client(timeout=3) as c:
        r = c.post(lane.url("/v1/chat/completions"), json=BODY,
                   headers={"X-Mock-Fault": "status(code=500)"})
    assert r.status_code == 500
    assert set(json.loads(r.content)["error"]) == {"message", "type", "param", "code"}


def test_not_streamed_renders_each_format_s_own_non_stream_body():
    """The same answer, in the route's non-stream shape (a Message for Anthropic, a Response
    object for the Responses API), so the client parses a plausible JSON body and no stream."""
    from mockserver.core.compile import compile_plan
    from mockserver.core.formats import view_for
    from mockserver.core.scenario import Response
    from mockserver.faults import parse_faults

    bodies = {
        "messages": {"model": "claude-sonnet-4.5", "max_tokens": 10, "stream": True,
                     "messages": [{"role": "user", "content": "hi"}]},
        "responses": {"model": "gpt-4.1", "input": "hi", "stream": True},
    }
    kinds = {"messages": "message", "responses": "response"}
    for api, body in bodies.items():
        plan = compile_plan(view_for(api, f"/v1/{api}", body), response=Response(text="Hi there"),
                            seed=1, model=body["model"], faults=parse_faults("not_streamed"))
        assert plan.start is not None and plan.start.header("content-type") == "application/json"
        decoded = json.loads(plan.body())
        assert decoded["type" if api == "messages" else "object"] == kinds[api]
        assert "Hi there" in plan.body().decode()
