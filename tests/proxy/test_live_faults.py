"""Faults on live upstream events (SPEC 10): every source (X-Mock-Fault, a lane's scenario,
a named scenario in the URL, --fault, chaos) applies to the upstream's stream event by event,
as it passes, and the client sees what it would see from a script with the same fault."""

from __future__ import annotations

import json
import threading

import httpx
import openai
import pytest
from httpx_sse import connect_sse

from tests.proxy.conftest import chat, journal, sent_by
from tests.proxy.paced_upstream import events, ndjson_lines


def _openai(server, **kw) -> openai.OpenAI:  # noqa: ANN001
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0,
                         timeout=kw.pop("timeout", 10), **kw)


def _text(client: openai.OpenAI, message: str, **kw) -> str:  # noqa: ANN003
    stream = client.chat.completions.create(
        model="gpt-4.1", messages=[{"role": "user", "content": message}], stream=True, **kw)
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream)


def test_close_after_2_cuts_after_the_upstreams_second_event(upstream, proxy) -> None:
    server = proxy(upstream.url)
    client = _openai(server, default_headers={"X-Mock-Fault": "close(after=2, mode=clean)"})
    assert _text(client, "cut me short please") == "You"  # role chunk, then "You"
    (entry,) = journal(server)
    assert entry.faults == ("close(after=2, mode=clean)",) and entry.proxied
    assert sum(1 for op in entry.plan.ops if getattr(op, "data", b"")) == 2


def test_a_cut_happens_while_the_upstream_is_still_streaming(paced, proxy) -> None:
    """The fault acts on events as they pass: the client is cut off after 3 events while the
    upstream still holds its last one back."""
    server = proxy(paced.url)
    with httpx.Client(timeout=10) as client, pytest.raises(httpx.RemoteProtocolError):
        with client.stream("POST", server.url + "/v1/chat/completions", json=chat("x"),
                           headers={"x-paced": "hold",
                                    "x-mock-fault": "close(after=3, mode=abrupt)"}) as r:
            got = b""
            try:
                for chunk in r.iter_raw():
                    got += chunk
            finally:
                paced.release()
                assert got == b"".join(events()[:3])
    assert journal(server)[0].outcome == "closed"


def test_malformed_json_at_3_breaks_the_upstreams_third_event(upstream, proxy) -> None:
    server = proxy(upstream.url)
    client = _openai(server, default_headers={"X-Mock-Fault": "malformed_json(at=3)"})
    with pytest.raises(json.JSONDecodeError):
        _text(client, "break my third event")
    sent = sent_by(upstream, "break my third event").plan.writes()
    got = journal(server)[0].plan.writes()
    assert got[:2] == sent[:2] and got[2] != sent[2] and got[3:] == sent[3:]


def test_split_every_byte_reaches_a_buffering_client_unchanged(upstream, proxy) -> None:
    server = proxy(upstream.url)
    with httpx.Client(timeout=10) as client:
        with connect_sse(client, "POST", server.url + "/v1/chat/completions",
                         json=chat("split me"), headers={"x-mock-fault": "split"}) as source:
            reads = list(source.iter_sse())
    assert [e.data for e in reads][-1] == "[DONE]"
    writes = journal(server)[0].plan.writes()
    assert all(len(w) == 1 for w in writes)  # every byte its own write
    assert b"".join(writes) == sent_by(upstream, "split me").plan.body()


def test_stall_holds_the_live_stream_past_a_read_timeout(upstream, proxy) -> None:
    server = proxy(upstream.url)
    client = _openai(server, timeout=openai.Timeout(10, read=0.3),
                     default_headers={"X-Mock-Fault": "stall(after=2, seconds=3)"})
    with pytest.raises(openai.APITimeoutError):
        _text(client, "stall")


def test_drip_and_keepalive_act_on_the_live_bytes(upstream, proxy) -> None:
    server = proxy(upstream.url)
    drip = _openai(server, default_headers={"X-Mock-Fault": "drip(bytes_per_s=200000, piece=64)"})
    assert _text(drip, "drip") == "You said: drip"
    writes = journal(server)[0].plan.writes()
    assert max(len(w) for w in writes) <= 64
    assert b"".join(writes) == sent_by(upstream, "drip").plan.body()
    keep = _openai(server, default_headers={"X-Mock-Fault": "keepalive(every_ms=1)"})
    assert _text(keep, "keep alive") == "You said: keep alive"
    writes = journal(server)[1].plan.writes()
    events = len(sent_by(upstream, "keep alive").plan.writes())
    assert writes.count(b": keep-alive\n\n") == events - 1  # one between each two events


def test_every_fault_source_reaches_proxied_requests(upstream, proxy) -> None:
    server = proxy(upstream.url, faults=(), chaos=0.0)
    # a lane's scenario that scripts nothing: the upstream answers, with its faults
    server.enqueue({"faults": ["close(after=2, mode=clean)"]}, lane="lane-faults")
    lane = openai.OpenAI(base_url=server.lane_base_url("lane-faults"), api_key="x",
                         max_retries=0, timeout=10)
    assert _text(lane, "lane source") == "You"
    # a named fault scenario in the URL: /scenario/<name> is stripped, its faults apply
    named = openai.OpenAI(base_url=server.url + "/scenario/fault-missing_done/v1", api_key="x",
                          max_retries=0, timeout=10)
    assert _text(named, "named source") == "You said: named source"
    assert b"[DONE]" not in journal(server)[-1].plan.body()
    assert journal(server, "lane-faults")[0].faults == ("close(after=2, mode=clean)",)


def test_server_wide_faults_and_chaos_reach_proxied_requests(upstream, proxy) -> None:
    from mockserver.faults import parse_faults

    server = proxy(upstream.url, faults=parse_faults("close(after=2, mode=clean)"))
    assert _text(_openai(server), "server-wide") == "You"
    chaotic = proxy(upstream.url, chaos=1.0, seed=3)
    response = httpx.post(chaotic.url + "/v1/chat/completions", json=chat("chaos"), timeout=10)
    (entry,) = journal(chaotic)
    assert entry.scenario == "chaos" and entry.faults and entry.proxied
    assert response.headers.get("x-mock-fault") == entry.faults[0] or response.status_code >= 400


def test_status_answers_without_asking_the_upstream(paced, proxy) -> None:
    server = proxy(paced.url)
    before = len(paced.requests)
    got = httpx.post(server.url + "/v1/chat/completions", json=chat("no upstream"),
                     headers={"x-mock-fault": "status(code=429, retry_after=1)"})
    assert got.status_code == 429 and got.headers["retry-after"] == "1"
    assert len(paced.requests) == before


def test_whole_stream_faults_buffer_then_act_like_on_a_script(upstream, proxy) -> None:
    server = proxy(upstream.url)
    got = httpx.post(server.url + "/v1/chat/completions", json=chat("not streamed"),
                     headers={"x-mock-fault": "not_streamed"}, timeout=10)
    assert got.headers["content-type"] == "application/json"
    assert got.json()["choices"][0]["message"]["content"] == "You said: not streamed"
    first = httpx.post(server.url + "/v1/chat/completions",
                       json=chat("usage", stream_options={"include_usage": True}),
                       headers={"x-mock-fault": "usage_chunk(placement=first)"}, timeout=10)
    chunks = [line for line in first.text.split("\n\n") if line.startswith("data: {")]
    assert json.loads(chunks[0][6:])["choices"] == []  # usage first


def test_an_upstream_cut_is_passed_on_and_journaled(paced, proxy) -> None:
    server = proxy(paced.url)
    got = b""
    with httpx.Client(timeout=10) as client, pytest.raises(httpx.RemoteProtocolError):
        with client.stream("POST", server.url + "/v1/chat/completions", json=chat("x"),
                           headers={"x-paced": "cut=3"}) as response:
            for chunk in response.iter_raw():
                got += chunk
    assert got == b"".join(events()[:3])
    (entry,) = journal(server)
    assert entry.outcome == "upstream_closed" and "cut" in (entry.error or "")


def test_an_upstream_cut_with_faults_is_passed_on_too(paced, proxy) -> None:
    server = proxy(paced.url)
    done = threading.Event()
    with httpx.Client(timeout=10) as client, pytest.raises(httpx.RemoteProtocolError):
        with client.stream("POST", server.url + "/v1/chat/completions", json=chat("x"),
                           headers={"x-paced": "cut=4", "x-mock-fault": "duplicate_chunk(at=2)"}
                           ) as response:
            got = b"".join(response.iter_raw())
            done.set()
    assert not done.is_set() or got  # the read raised: the cut reached the client
    assert journal(server)[0].outcome == "upstream_closed"


def test_faults_act_on_the_ndjson_lines_of_ollamas_native_chat(paced, proxy) -> None:
    """Ollama's native /api/chat streams NDJSON: each line is an event, counted and faulted
    like an SSE event, and a changed line is written back as a line. The request is one the
    mock's Ollama format refuses (no messages): the upstream judges it, and answers."""
    server = proxy(f"/api={paced.url}")
    got = httpx.post(server.url + "/api/chat", json={"model": "llama3.2"}, timeout=10,
                     headers={"x-paced": "ndjson", "x-mock-fault": "malformed_json(at=2)"})
    lines = got.content.split(b"\n")
    sent = ndjson_lines()
    assert len(lines) == len(sent) + 1 and lines[-1] == b""
    assert lines[0] + b"\n" == sent[0] and lines[2:-1] == [s[:-1] for s in sent[2:]]
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[1])
    cut = httpx.post(server.url + "/api/chat", json={"model": "llama3.2"}, timeout=10,
                     headers={"x-paced": "ndjson", "x-mock-fault": "close(after=2, mode=clean)"})
    assert cut.content == b"".join(sent[:2])


def test_a_whole_stream_fault_that_does_not_act_on_ndjson_buffers_nothing(paced, proxy
                                                                         ) -> None:
    """`usage_chunk` needs the whole answer, but only on OpenAI chunks: an NDJSON stream with
    it still reaches the client line by line while the upstream holds its last line back."""
    server = proxy(f"/api={paced.url}")
    sent, got, ready = ndjson_lines(), b"", False
    with httpx.Client(timeout=10) as client, client.stream(
            "POST", server.url + "/api/chat", json={"model": "llama3.2"},
            headers={"x-paced": "ndjson,hold",
                     "x-mock-fault": "usage_chunk(placement=first)"}) as response:
        for chunk in response.iter_raw():
            got += chunk
            if got == b"".join(sent[:-1]) and not ready:
                ready = True
                paced.release()  # only now may the upstream send its last line
    assert ready, "the first lines did not arrive before the last was sent"
    assert got == b"".join(sent)


def test_an_eventsource_get_reaches_the_upstream_as_the_post_it_stands_for(upstream, proxy
                                                                           ) -> None:
    server = proxy(upstream.url)
    got = httpx.get(server.url + "/scenario/fault-missing_done/v1/chat/completions",
                    params={"prompt": "from a browser"}, timeout=10)
    assert got.status_code == 200 and b"[DONE]" not in got.content
    sent = sent_by(upstream, "from a browser")
    assert sent.method == "POST" and sent.body["stream"] is True
    assert got.content == sent.plan.body().replace(b"data: [DONE]\n\n", b"")


def test_the_inspector_shows_a_proxied_answer_with_its_measured_timeline(upstream, proxy
                                                                         ) -> None:
    """A proxied request is on GET /_mock/events like a played plan: its start, then its end
    with the ops as they went out (measured while the stream watched) and the fault placed."""
    server = proxy(upstream.url)
    with httpx.Client(timeout=5) as client, connect_sse(
        client, "GET", f"{server.url}/_mock/events", params={"lane": "watched"}
    ) as source:
        source.response.raise_for_status()
        got = httpx.post(server.url_for("/v1/chat/completions", lane="watched"),
                         json=chat("inspect me"), timeout=10,
                         headers={"x-mock-fault": "malformed_json(at=3)"})
        events = source.iter_sse()
        start, end = next(events), next(events)
    assert got.status_code == 200
    assert (start.event, end.event) == ("start", "end")
    assert start.json()["faults"] == ["malformed_json(at=3)"]
    ended = end.json()
    assert ended["outcome"] == "completed" and ended["bytes_sent"] == len(got.content)
    timeline = ended["timeline"]
    assert timeline["measured"] is True
    assert all(op["t"] is not None for op in timeline["ops"])
    writes = [op for op in timeline["ops"] if op["op"] == "write"]
    (placed,) = timeline["faults"]
    assert placed["op"] == next(op["i"] for op in writes if op["events"] >= 3)
    assert journal(server, "watched")[0].proxied
