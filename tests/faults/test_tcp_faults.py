"""TCP-layer faults over a real socket: exact bytes from a raw socket, and what clients raise.

failure-modes.md 2.2: HTTP-01 (clean EOF), HTTP-02 (truncated chunked body), HTTP-03 (broken
chunk framing), TCP-01 (RST), TCP-02 (empty reply), TCP-03 (accept then silence).
"""

from __future__ import annotations

import json
import socket
import time

import httpx
import httpx_sse
import openai
import pytest

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.faults import parse_faults, registry
from mockserver.faults.broken_chunked import BAD_CHUNK

MESSAGES = [{"role": "user", "content": "hello there"}]
BODY = {"model": "gpt-4o", "messages": MESSAGES, "stream": True}
TCP_HTTP = [n for n, cls in sorted(registry().items()) if cls.layer in ("tcp", "http")]


def client(lane, fault, *, timeout=3.0, retries=0):
    return openai.OpenAI(
        base_url=lane.base_url, api_key="x", max_retries=retries,
        timeout=openai.Timeout(timeout, connect=2.0), default_headers={"X-Mock-Fault": fault},
    )


def read_stream(c, received):
    for chunk in c.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
        received.append(chunk)


def raw_exchange(lane, fault, timeout=3.0):
    """Send one request on a raw socket; return (all bytes received, the error that ended it)."""
    body = json.dumps(BODY).encode()
    path = f"/lane/{lane.id}/v1/chat/completions"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nX-Mock-Fault: {fault}\r\nConnection: close\r\n\r\n"
    )
    chunks, error = [], None
    with socket.create_connection((lane.server.host, lane.server.port), timeout=timeout) as s:
        s.sendall(head.encode() + body)
        try:
            while data := s.recv(65536):
                chunks.append(data)
        except OSError as exc:
            error = exc
    return b"".join(chunks), error


def chunked(writes):
    return b"".join(b"%x\r\n%s\r\n" % (len(w), w) for w in writes)


def wait_outcome(lane, index=-1, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and lane.requests()[index].outcome == "pending":
        time.sleep(0.01)
    return lane.requests()[index].outcome


# -- close ----------------------------------------------------------------------------------
def test_close_reset_openai_raises_connection_error(lane):
    with client(lane, "close(after=2, mode=reset)") as c, pytest.raises(openai.APIConnectionError):
        read_stream(c, [])
    with httpx.Client(timeout=3) as c, pytest.raises(httpx.ReadError):
        c.post(lane.url("/v1/chat/completions"), json=BODY,
               headers={"X-Mock-Fault": "close(after=2, mode=reset)"})
    assert [e.outcome for e in lane.requests()] == ["reset", "reset"]


def test_close_reset_raw_socket_sees_connection_reset(lane):
    data, error = raw_exchange(lane, "close(after=2, mode=reset)")
    assert isinstance(error, ConnectionResetError)
    assert b"[DONE]" not in data


def test_close_clean_ends_the_body_properly_without_done(lane):
    received = []
    with client(lane, "close(after=2, mode=clean)") as c:
        read_stream(c, received)  # returns normally: HTTP-01, partial text as if complete
    assert [ch.choices[0].delta.content for ch in received] == ["", "You"]
    assert received[-1].choices[0].finish_reason is None
    data, error = raw_exchange(lane, "close(after=2, mode=clean)")
    assert error is None and data.endswith(b"\r\n0\r\n\r\n") and b"[DONE]" not in data
    writes = lane.requests()[-1].plan.writes()
    assert data.endswith(chunked(writes) + b"0\r\n\r\n") and len(writes) == 2


def test_close_abrupt_is_an_incomplete_chunked_read(lane):
    fault = "close(after=2, mode=abrupt)"
    received = []
    with client(lane, fault) as c, pytest.raises(openai.APIConnectionError):
        read_stream(c, received)
    assert len(received) == 2
    incomplete = pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read")
    with httpx.Client(timeout=3) as c, incomplete:
        c.post(lane.url("/v1/chat/completions"), json=BODY, headers={"X-Mock-Fault": fault})
    data, error = raw_exchange(lane, fault)
    writes = lane.requests()[-1].plan.writes()
    assert error is None and data.endswith(chunked(writes)) and not data.endswith(b"0\r\n\r\n")
    assert [e.outcome for e in lane.requests()] == ["closed"] * 3


def test_close_inside_event_leaves_a_partial_event_that_parsers_drop(lane):
    fault = "close(after=2, mode=clean, inside_event=true)"
    with httpx.Client(timeout=3) as c:
        r = c.post(lane.url("/v1/chat/completions"), json=BODY, headers={"X-Mock-Fault": fault})
        assert not r.content.endswith(b"\n\n") and r.content.count(b"\n\n") == 2
        with httpx_sse.connect_sse(c, "POST", lane.url("/v1/chat/completions"), json=BODY,
                                   headers={"X-Mock-Fault": fault}) as source:
            assert len(list(source.iter_sse())) == 2


def test_close_after_zero_sends_only_the_head(lane):
    with httpx.Client(timeout=3) as c:
        with c.stream("POST", lane.url("/v1/chat/completions"), json=BODY,
                      headers={"X-Mock-Fault": "close(after=0)"}) as r:
            assert r.status_code == 200
            with pytest.raises(httpx.RemoteProtocolError):
                r.read()


# -- empty_reply / silent ---------------------------------------------------------------------
def test_empty_reply_server_disconnected_without_a_response(lane):
    with httpx.Client(timeout=3) as c:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            c.post(lane.url("/v1/chat/completions"), json=BODY,
                   headers={"X-Mock-Fault": "empty_reply"})
    data, error = raw_exchange(lane, "empty_reply")
    assert data == b"" and error is None
    assert [e.outcome for e in lane.requests()] == ["closed", "closed"]


def test_empty_reply_is_retried_by_openai_as_a_connection_error(lane):
    with client(lane, "empty_reply", retries=1) as c, pytest.raises(openai.APIConnectionError):
        read_stream(c, [])
    assert len(lane.requests()) == 2
    assert lane.requests()[0].body["messages"] == MESSAGES  # the request was read in full


def test_silent_client_read_timeout_fires(lane):
    with httpx.Client(timeout=0.3) as c, pytest.raises(httpx.ReadTimeout):
        c.post(lane.url("/v1/chat/completions"), json=BODY,
               headers={"X-Mock-Fault": "silent(seconds=10)"})
    with client(lane, "silent(seconds=10)", timeout=0.3) as c:
        with pytest.raises(openai.APITimeoutError):
            read_stream(c, [])
    assert wait_outcome(lane, 0) == "client_disconnected"


def test_silent_then_the_server_hangs_up_without_a_byte(lane):
    data, error = raw_exchange(lane, "silent(seconds=0.1)")
    assert data == b"" and error is None
    assert lane.requests()[0].outcome == "closed"


# -- broken_chunked -----------------------------------------------------------------------------
def test_broken_chunked_exact_bytes_on_the_wire(lane):
    data, error = raw_exchange(lane, "broken_chunked(after=2)")
    plan = lane.requests()[0].plan
    good = [op.data for op in plan.ops if getattr(op, "data", None) and not op.raw]
    assert plan.requires_raw_socket and len(good) == 2
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"transfer-encoding: chunked" in head
    assert rest == chunked(good) + BAD_CHUNK


def test_broken_chunked_clients_raise_protocol_errors_after_the_good_events(lane):
    with httpx.Client(timeout=3) as c, pytest.raises(httpx.RemoteProtocolError, match="chunk"):
        c.post(lane.url("/v1/chat/completions"), json=BODY,
               headers={"X-Mock-Fault": "broken_chunked(after=2)"})
    received = []
    with client(lane, "broken_chunked(after=2)") as c, pytest.raises(openai.APIConnectionError):
        read_stream(c, received)
    assert len(received) == 2


def test_broken_chunked_on_a_json_answer_drops_the_content_length(lane):
    body = dict(BODY, stream=False)
    with httpx.Client(timeout=3) as c, pytest.raises(httpx.RemoteProtocolError):
        c.post(lane.url("/v1/chat/completions"), json=body,
               headers={"X-Mock-Fault": "broken_chunked(after=0)"})


# -- determinism and validation -------------------------------------------------------------------
@pytest.mark.parametrize("name", TCP_HTTP)
def test_same_seed_gives_the_same_plan_twice(name):
    view = view_for("chat", "/v1/chat/completions", dict(BODY))
    spec = registry()[name].example or name
    plans = [compile_plan(view, seed=11, faults=parse_faults(spec)) for _ in range(2)]
    assert plans[0].ops == plans[1].ops
    assert plans[0].faults == (parse_faults(spec)[0].spec(),)


@pytest.mark.parametrize("spec", [
    "close(mode=explode)", "close(after=-1)", "silent(seconds=-1)", "broken_chunked(after=x)",
    "stall(seconds=100, keepalive_ms=0.5)", "drip(bytes_per_s=0)", "status(code=200)",
    "close(after=1", "empty_reply(x=1)",
])
def test_bad_parameters_are_clear_errors_naming_the_parameter(spec, lane):
    with httpx.Client(timeout=3) as c:
        r = c.post(lane.url("/v1/chat/completions"), json=BODY, headers={"X-Mock-Fault": spec})
        assert r.status_code == 400
        error = r.json()["error"]
        assert error["param"] == "x-mock-fault" and "X-Mock-Fault" in error["message"]
        assert spec.split("(")[0] in error["message"]
        ok = c.post(lane.url("/v1/chat/completions"), json=BODY)  # still serving
        assert ok.status_code == 200 and ok.text.endswith("data: [DONE]\n\n")
