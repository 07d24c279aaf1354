"""GET /_mock/events over a real socket: a perfect SSE stream (retry, id, resume with
Last-Event-ID, reset when the id is gone, keep-alive comments, a clean end at shutdown),
read by httpx-sse and by our own WHATWG decoder; and the access rule of /_mock/ui and it."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from httpx_sse import EventSource, connect_sse

from mockserver import MockServer
from mockserver.sse import ServerSentEvent, SSEDecoder

ID = re.compile(r"^[0-9a-f]{8}-\d+$")
CHAT = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi there"}],
        "stream": True}


def lane() -> str:
    return f"insp-{uuid.uuid4().hex[:10]}"


def chat(server: MockServer, lane_id: str, fault: str | None = None) -> None:
    """One streamed chat request on `lane_id`, read to its end (or its cut)."""
    headers = {"x-mock-fault": fault} if fault else {}
    try:
        with httpx.stream("POST", server.url_for("/v1/chat/completions", lane=lane_id),
                          json=CHAT, headers=headers, timeout=10) as response:
            for _ in response.iter_raw():
                pass
    except (httpx.ReadError, httpx.RemoteProtocolError):
        assert fault is not None


class RawStream:
    """The event stream's bytes, decoded as they arrive by the reference decoder."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.raw = b""
        self.events: list[ServerSentEvent] = []
        self._decoder = SSEDecoder()
        self._chunks = response.iter_raw()

    def until(self, done) -> list[ServerSentEvent]:
        while not done(self):
            chunk = next(self._chunks)  # bounded by the client's read timeout
            self.raw += chunk
            self.events += self._decoder.decode(chunk)
        return self.events


@contextmanager
def raw_stream(url: str, **headers: str) -> Iterator[RawStream]:
    with httpx.stream("GET", url, headers=headers, timeout=5) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        yield RawStream(response)


def events_url(server: MockServer, lane_id: str, **query: str) -> str:
    return str(httpx.URL(f"{server.url}/_mock/events", params={"lane": lane_id, **query}))


def test_httpx_sse_reads_a_start_and_an_end_event_with_the_cut_in_its_timeline(server):
    mine = lane()
    chat(server, lane(), "missing_done")  # another lane: not in this stream
    with httpx.Client(timeout=5) as client, connect_sse(
        client, "GET", f"{server.url}/_mock/events", params={"lane": mine}
    ) as source:
        source.response.raise_for_status()
        chat(server, mine, "close(after=2, mode=reset)")
        events = source.iter_sse()
        start, end = next(events), next(events)
    assert (start.event, end.event) == ("start", "end")
    assert ID.match(start.id) and ID.match(end.id) and start.retry == 1000
    begun, ended = start.json(), end.json()
    assert begun["lane"] == mine and begun["faults"] == ["close(after=2, mode=reset)"]
    assert begun["status"] == 200 and "outcome" not in begun
    assert ended["outcome"] == "reset" and ended["id"] == begun["id"]
    timeline = ended["timeline"]
    assert timeline["measured"] is True  # a stream was watching: the player recorded times
    cut = timeline["ops"][-1]
    assert cut["op"] == "close" and cut["mode"] == "reset" and cut["t"] is not None
    assert timeline["faults"][0]["op"] == cut["i"]


def test_our_decoder_and_httpx_sse_read_the_same_exact_stream(server):
    mine = lane()
    chat(server, mine)
    chat(server, mine, "malformed_json(at=2)")
    with httpx.Client(timeout=5) as client, connect_sse(
        client, "GET", f"{server.url}/_mock/events", params={"lane": mine}
    ) as source:
        received = source.iter_sse()
        theirs = [next(received) for _ in range(4)]
    with raw_stream(events_url(server, mine)) as stream:
        ours = stream.until(lambda s: len(s.events) >= 4)
    assert [(e.event, e.id, e.data) for e in ours] == [(e.event, e.id, e.data) for e in theirs]
    assert ours[0].retry == theirs[0].retry == 1000  # set once, by the first block
    for n, event in enumerate(ours):  # one block per event: event, id, one line of ASCII JSON
        retry = "retry: 1000\n" if n == 0 else ""
        block = f"event: {event.event}\nid: {event.id}\n{retry}data: {event.data}\n\n"
        assert block.encode() in stream.raw
        json.loads(event.data)
    assert stream.raw.startswith(b"event: start\nid: ")
    assert [e.event for e in ours] == ["start", "end", "start", "end"]


def test_a_resume_with_last_event_id_sends_only_what_came_after(server):
    mine = lane()
    chat(server, mine)
    with httpx.Client(timeout=5) as client:
        with connect_sse(client, "GET", f"{server.url}/_mock/events",
                         params={"lane": mine}) as source:
            received = source.iter_sse()
            seen = [next(received) for _ in range(2)]
        chat(server, mine, "missing_done")
        with connect_sse(client, "GET", f"{server.url}/_mock/events", params={"lane": mine},
                         headers={"Last-Event-ID": seen[-1].id}) as source:
            received = source.iter_sse()
            resumed = [next(received) for _ in range(2)]
    assert [e.event for e in resumed] == ["start", "end"]
    assert resumed[0].json()["faults"] == ["missing_done"]
    assert int(resumed[0].id.rpartition("-")[2]) > int(seen[-1].id.rpartition("-")[2])
    # the same through our decoder, with the query form EventSource polyfills use
    with raw_stream(events_url(server, mine, last_event_id=seen[-1].id)) as stream:
        again = stream.until(lambda s: len(s.events) >= 2)
    assert [(e.event, e.id) for e in again] == [(e.event, e.id) for e in resumed]


def test_a_resume_from_an_id_gone_from_the_ring_starts_with_a_reset_event():
    with MockServer() as server:
        server.state.feed.resize(4)
        mine = lane()
        chat(server, mine)
        first = server.state.feed.event_id(1)
        for _ in range(3):
            chat(server, mine)  # events 1..8: the ring keeps 5..8
        with raw_stream(events_url(server, mine), **{"Last-Event-ID": first}) as stream:
            events = stream.until(lambda s: len(s.events) >= 5)
        reset, rest = events[0], events[1:]
        assert reset.event == "reset" and reset.json() == {
            "reason": "fell out of the ring buffer", "missed": 3}
        # no id: the client keeps its last one (and would get the reset again if cut now)
        assert stream.raw.startswith(b"event: reset\nretry: 1000\ndata: ")
        assert [e.id for e in rest] == [server.state.feed.event_id(n) for n in range(5, 9)]
        with raw_stream(events_url(server, mine),
                        **{"Last-Event-ID": "0badc0de-3"}) as stream:
            (reset,) = stream.until(lambda s: len(s.events) >= 1)[:1]
        assert reset.event == "reset" and reset.json()["missed"] is None


def test_an_idle_stream_gets_keep_alive_comment_lines_that_no_parser_dispatches(server):
    feed = server.state.feed
    before, feed.keepalive = feed.keepalive, 0.05
    mine = lane()

    def idle_after_events(stream: RawStream) -> bool:
        tail = stream.raw.rpartition(b"\n\n")[2]
        return len(stream.events) >= 2 and tail.count(b": keep-alive\n") >= 2

    try:
        with raw_stream(events_url(server, mine)) as stream:
            stream.until(lambda s: s.raw.count(b": keep-alive\n") >= 2)
            chat(server, mine)
            stream.until(idle_after_events)
    finally:
        feed.keepalive = before
    assert stream.raw.startswith(b": keep-alive\n: keep-alive\n")
    assert [e.event for e in stream.events] == ["start", "end"]
    # httpx-sse dispatches an empty event at any blank line once an id was seen: a keep-alive
    # with a blank line would reach its users as a `message` with empty data
    lax = EventSource(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                     content=stream.raw))
    assert [e.event for e in lax.iter_sse()] == ["start", "end"]


def test_the_stream_ends_cleanly_when_the_server_stops():
    server = MockServer().start()
    outcome: dict[str, object] = {}
    opened = threading.Event()

    def follow() -> None:
        try:
            with httpx.stream("GET", f"{server.url}/_mock/events", timeout=10) as response:
                opened.set()
                outcome["body"] = b"".join(response.iter_raw())
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            outcome["error"] = exc
        finally:
            opened.set()

    reader = threading.Thread(target=follow, name="events-reader")
    reader.start()
    try:
        assert opened.wait(10)
        server.stop()
        reader.join(10)
    finally:
        server.stop()
    assert not reader.is_alive()
    # ended by the server with the chunked terminator, not cut when uvicorn gave up waiting
    assert "error" not in outcome, outcome
    assert outcome["body"] == b""


@pytest.mark.parametrize("path", ["/_mock/events", "/_mock/ui"])
def test_the_inspector_needs_the_admin_token_like_the_rest_of_mock(path):
    with MockServer(admin_token="s3cret") as server, httpx.Client(timeout=5) as client:
        refused = client.get(server.url + path)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "invalid_admin_token"
        assert client.get(server.url + path, params={"token": "wrong"}).status_code == 401
        for kwargs in ({"headers": {"authorization": "Bearer s3cret"}},
                       {"params": {"token": "s3cret"}}):
            with client.stream("GET", server.url + path, **kwargs) as response:
                assert response.status_code == 200
        assert client.post(server.url + path).status_code == 401  # no token: 401 first


def test_the_page_is_one_self_contained_file_its_policy_pins_its_own_code(server):
    import base64
    import hashlib

    page = httpx.get(f"{server.url}/_mock/ui", timeout=5)
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    html = page.text
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:)""", html)  # nothing to fetch
    assert "@import" not in html and "url(" not in html
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    assert httpx.get(f"{server.url}/lane/x/_mock/ui", timeout=5).text == html
    assert httpx.post(f"{server.url}/_mock/ui", timeout=5).status_code == 405


def test_the_journal_gives_timelines_on_request(server):
    mine = lane()
    chat(server, mine, "stall(after=1, seconds=0.01)")
    plain = httpx.get(f"{server.url}/_mock/journal", params={"lane": mine}, timeout=5).json()
    assert "timeline" not in plain["requests"][0]
    data = httpx.get(f"{server.url}/_mock/journal", params={"lane": mine, "timeline": "1"},
                     timeout=5).json()
    timeline = data["requests"][0]["timeline"]
    assert [op["op"] for op in timeline["ops"]][:4] == ["start", "write", "sleep", "write"]
    assert timeline["faults"][0]["where"] == "after event 1"
