"""The SPEC 8 limits reach every worker of `serve --workers N`: `--header-timeout` closes a
slowloris connection whichever worker the kernel handed it to, and `--journal-max-mb` bounds
the journal the workers share in Redis (bodies cut past 64 KiB with their size and sha256,
the lane's oldest entries evicted past its quarter of the cap, the count reported)."""

from __future__ import annotations

import hashlib
import socket
import time
import uuid

import httpx

from tests.hostile._hostile import closed_by_server
from tests.workers.conftest import RedisServer, Served

TIMEOUT = 0.5  # the workers' header timeout here
#: a slowloris connection must be closed within this; the default timeout (10 s) is longer,
#: so a worker that did not get --header-timeout fails the test
CLOSED_WITHIN = 5.0


def test_every_worker_closes_a_slowloris_connection_after_the_header_timeout() -> None:
    served = Served("--workers", "2", "--header-timeout", str(TIMEOUT))
    try:
        port = int(served.url.rsplit(":", 1)[1])
        # several connections, so the kernel's SO_REUSEPORT spread reaches both workers
        socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(6)]
        try:
            started = time.monotonic()
            for sock in socks:
                sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
            slow = b"X-Slow: aaaaaaaaaaaaaaaaaaaa\r\n"
            assert all(closed_by_server(sock, dribble=slow, bound=CLOSED_WITHIN) for sock in socks)
            assert time.monotonic() - started >= TIMEOUT * 0.8  # not before its time
        finally:
            for sock in socks:
                sock.close()
        answer = httpx.get(f"{served.url}/_mock/health", timeout=10)
        assert answer.json() == {"status": "ok"}
    finally:
        served.stop()


def test_journal_max_mb_bounds_the_shared_journal_of_the_workers(
    redis_server: RedisServer,
) -> None:
    state = redis_server.url.rsplit("/", 1)[0] + "/1"  # a database of its own
    served = Served("--workers", "2", "--state", state, "--journal-max-mb", "1")
    lane = f"big-{uuid.uuid4().hex[:8]}"
    text = "x" * 200_000
    body = ('{"model":"gpt-4.1","messages":[{"role":"user","content":"' + text + '"}]}').encode()
    try:
        with httpx.Client(headers={"Connection": "close"}, timeout=30) as http:
            for _ in range(12):
                answer = http.post(f"{served.lane_url(lane)}/chat/completions", content=body,
                                   headers={"content-type": "application/json"})
                assert answer.status_code == 200, answer.text[:300]
            journal = http.get(f"{served.url}/_mock/journal?lane={lane}").json()
    finally:
        served.stop()
    kept = journal["requests"]
    # a quarter of 1 MiB per lane holds three or four entries of a 64 KiB cut body each
    assert 1 <= len(kept) <= 4, len(kept)
    assert journal["evicted"] == 12 - len(kept)
    assert [e["index"] for e in kept] == list(range(12 - len(kept), 12))
    entry = kept[-1]
    assert entry["body_truncated"] is True and entry["body_size"] == len(body)
    assert entry["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert len(entry["body"]) == 64 * 1024
