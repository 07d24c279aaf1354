"""The CORS headers themselves, without a browser: the pure policy and the bytes on the wire.

Why: the Chromium tests prove the symptoms; these pin the exact headers each `cors(kind=...)`
produces (failure-modes.md 2.4) so a change is caught in milliseconds, and they prove that
non-browser clients never notice a CORS fault (no marker: no browser is started).
"""

from __future__ import annotations

import httpx
import pytest

from mockserver.core.cors import DEFAULT_POLICY, headers_for
from mockserver.errors import FaultSpecError
from mockserver.faults import parse_faults

ORIGIN = "http://127.0.0.1:9001"
KINDS = [
    "missing_allow_origin", "wrong_origin", "preflight_status", "no_allow_headers",
    "wildcard_with_credentials", "no_expose_headers", "missing_on_error",
]


def policy_for(spec: str):
    (fault,) = parse_faults(spec)
    return fault.on_cors(DEFAULT_POLICY, None)


def test_default_preflight_reflects_origin_and_requested_headers():
    requested = "authorization,x-stainless-os"
    headers = dict(headers_for(ORIGIN, preflight=True, request_headers=requested))
    assert headers["access-control-allow-origin"] == ORIGIN
    assert headers["vary"] == "Origin"
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["access-control-allow-headers"] == requested
    assert "POST" in headers["access-control-allow-methods"]
    assert headers["access-control-max-age"] == "0"


def test_default_response_exposes_request_id_and_rate_limit_headers_even_on_errors():
    for status in (200, 429, 500):
        exposed = dict(headers_for(ORIGIN, status=status))["access-control-expose-headers"]
        for name in ("x-request-id", "x-mock-fault", "retry-after", "x-ratelimit-reset-tokens"):
            assert name in exposed


def test_no_cors_headers_without_an_origin():
    assert headers_for(None) == [] and headers_for("", preflight=True) == []


def test_missing_allow_origin_keeps_preflight_but_drops_acao_on_response():
    policy = policy_for("cors(kind=missing_allow_origin)")
    assert "access-control-allow-origin" in dict(headers_for(ORIGIN, policy, preflight=True))
    assert "access-control-allow-origin" not in dict(headers_for(ORIGIN, policy))


@pytest.mark.parametrize(
    ("spec", "preflight_status", "acao"),
    [
        ("cors(kind=wrong_origin)", 204, "http://example.org"),
        ("cors(kind=wrong_origin, origin='http://other.test:81')", 204, "http://other.test:81"),
        ("cors(kind=preflight_status)", 401, ORIGIN),
        ("cors(kind=preflight_status, status=404)", 404, ORIGIN),
        ("cors(kind=wildcard_with_credentials)", 204, "*"),
    ],
)
def test_cors_kind_sets_preflight_status_and_allow_origin(spec, preflight_status, acao):
    policy = policy_for(spec)
    assert policy.preflight_status == preflight_status
    assert dict(headers_for(ORIGIN, policy, preflight=True))["access-control-allow-origin"] == acao


def test_no_allow_headers_omits_allow_headers_on_preflight():
    policy = policy_for("cors(kind=no_allow_headers)")
    headers = dict(headers_for(ORIGIN, policy, preflight=True, request_headers="authorization"))
    assert "access-control-allow-headers" not in headers


def test_missing_on_error_drops_cors_on_errors_only():
    policy = policy_for("cors(kind=missing_on_error)")
    assert headers_for(ORIGIN, policy, status=429) == []
    assert dict(headers_for(ORIGIN, policy, status=200))["access-control-allow-origin"] == ORIGIN
    assert headers_for(ORIGIN, policy, preflight=True) != []


@pytest.mark.parametrize(
    "spec", ["cors", "cors(kind=nope)", "cors(kind=preflight_status, status=204)",
             "cors(kind=wrong_origin, origin='*')"],
)
def test_bad_cors_specs_are_clear_errors(spec):
    with pytest.raises(FaultSpecError, match="cors"):
        parse_faults(spec)


@pytest.fixture(scope="module")
def server():
    from mockserver import MockServer

    with MockServer() as running:
        yield running


@pytest.mark.parametrize("kind", KINDS)
def test_non_browser_client_streams_normally_under_every_cors_kind(server, kind):
    headers = {"Origin": ORIGIN, "X-Mock-Fault": f"cors(kind={kind})"}
    messages = [{"role": "user", "content": "hi"}]
    body = {"model": "gpt-4.1-mini", "stream": True, "messages": messages}
    with httpx.Client(timeout=10) as client:
        reply = client.post(f"{server.base_url}/chat/completions", json=body, headers=headers)
    assert reply.status_code == 200
    assert reply.text.endswith("data: [DONE]\n\n")


@pytest.mark.parametrize(
    ("kind", "status"),
    [("preflight_status", 401), ("no_allow_headers", 204), ("wrong_origin", 204)],
)
def test_preflight_uses_the_lane_queue_without_consuming_it(server, kind, status):
    lane = f"hdr-{kind}"
    server.enqueue({"response": {"text": "hi"}, "faults": [f"cors(kind={kind})"]}, lane=lane)
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    url = f"{server.lane_base_url(lane)}/chat/completions"
    with httpx.Client(timeout=10) as client:
        assert client.options(url, headers=preflight).status_code == status
        body = {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "x"}]}
        reply = client.post(url, json=body, headers={"Origin": ORIGIN})
    assert reply.status_code == 200 and reply.json()["choices"][0]["message"]["content"] == "hi"
    assert [e.method for e in server.requests(lane)] == ["OPTIONS", "POST"]
