"""`serve --upstream` and SPEC 8: a hostile body gets the mock's 400 in the route's own shape
before anything is forwarded (never a 502, never the upstream's answer), and proxied
requests are journaled within the same bounds as played ones (bodies cut past 64 KiB with
their size and sha256, large answers kept as transcripts, sizes counted against the caps)."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from tests.hostile.hostile_inputs import shape_problem
from tests.proxy.conftest import journal

HOSTILE = {
    "nan": b'{"model":"gpt-4.1","stream":false,"temperature":NaN}',
    "overflow": b'{"model":"gpt-4.1","temperature":1e999}',
    "lone_surrogate": b'{"model":"gpt-4.1","messages":[{"role":"user","content":"\\ud800"}]}',
    "not_utf8": b'{"model":"gpt-4.1","messages":[{"role":"user","content":"\xff\xfe"}]}',
    "deep": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
}
#: one route of each error shape the proxy forwards
ROUTES = [
    "/v1/chat/completions",
    "/v1/messages",
    "/v1beta/models/gemini-2.5-flash:generateContent",
    "/api/chat",
    "/v2/chat",
    "/model/anthropic.claude-sonnet-4-5-20250929-v1:0/converse",
    "/openai/deployments/gpt-4.1/chat/completions?api-version=2024-10-21",
]


@pytest.mark.parametrize("route", ROUTES)
def test_a_hostile_body_gets_the_mocks_400_and_never_reaches_the_upstream(
        upstream, proxy, route) -> None:
    server = proxy(upstream.url)
    before = len(upstream.requests())
    with httpx.Client(timeout=10, headers={"content-type": "application/json"}) as client:
        for name, body in HOSTILE.items():
            got = client.post(server.url + route, content=body)
            assert got.status_code == 400, (name, got.status_code, got.text[:300])
            assert shape_problem(route, 400, got.headers, got.content) is None, name
    assert len(upstream.requests()) == before  # nothing was forwarded
    entries = journal(server)
    assert [e.status for e in entries] == [400] * len(HOSTILE)
    assert not any(e.proxied for e in entries)
    json.loads(httpx.get(server.url + "/_mock/journal", timeout=10).content,
               parse_constant=lambda name: pytest.fail(f"journal holds {name}"))


def test_on_a_route_only_the_upstream_serves_json_is_strict_and_other_bodies_pass(
        upstream, proxy) -> None:
    server = proxy(upstream.url)
    before = len(upstream.requests())
    refused = httpx.post(server.url + "/v1/files", content=HOSTILE["nan"], timeout=10,
                         headers={"content-type": "application/json"})
    assert refused.status_code == 400
    assert refused.json()["error"]["type"] == "invalid_request_error"
    assert len(upstream.requests()) == before
    # not JSON (a multipart upload, say): forwarded as it is; the upstream answers for itself
    passed = httpx.post(server.url + "/v1/files", content=b"\xff\xfe raw", timeout=10,
                        headers={"content-type": "application/octet-stream"})
    assert passed.status_code == 404 and passed.json()["error"]["code"] == "unknown_url"
    assert len(upstream.requests()) == before + 1
    entry = journal(server)[-1]
    assert entry.proxied and entry.body == "\\xff\\xfe raw"


def test_proxied_requests_are_journaled_within_the_same_bounds(upstream, proxy) -> None:
    server = proxy(upstream.url, journal_max_mb=1)
    text = "x" * 200_000
    body = json.dumps({"model": "gpt-4.1", "stream": False,
                       "messages": [{"role": "user", "content": text}]}).encode()
    with httpx.Client(timeout=30, headers={"content-type": "application/json"}) as client:
        for _ in range(12):
            got = client.post(server.url + "/lane/big/v1/chat/completions", content=body)
            assert got.status_code == 200
            # the upstream got the whole body: its answer echoes all of it
            assert got.json()["choices"][0]["message"]["content"] == "You said: " + text
    entries = journal(server, "big")
    last = entries[-1]
    assert last.proxied and last.settled and last.size > 0
    assert last.body_truncated and last.body_size == len(body)
    assert last.body_sha256 == hashlib.sha256(body).hexdigest()
    assert last.plan is None and last.sent  # the 200 KB answer is kept as its transcript
    # a quarter of 1 MiB per lane: the oldest proxied entries were evicted, and counted
    page = httpx.get(server.url + "/_mock/journal?lane=big", timeout=10).json()
    assert 1 <= len(page["requests"]) < 12
    assert page["evicted"] == 12 - len(page["requests"])
    assert server.state.lanes["big"].bytes <= server.config.journal_bounds.lane_bytes
