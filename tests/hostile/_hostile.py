"""Helpers for the hostile-input tests: the journal read as strict JSON, and a check that
the server still answers a good request."""

from __future__ import annotations

import json
from typing import Any

import httpx

from mockserver import MockServer

GOOD = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "Hi"}]}


def strict_journal(url: str, lane: str | None = None) -> dict[str, Any]:
    """GET /_mock/journal, parsed as strict JSON (NaN, Infinity and lone surrogates refused)."""
    query = {"lane": lane} if lane else {}
    response = httpx.get(f"{url}/_mock/journal", params=query, timeout=10)
    assert response.status_code == 200, response.text[:500]
    response.content.decode("utf-8")  # strict: a lone surrogate cannot be encoded as UTF-8

    def refuse(name: str) -> Any:
        raise AssertionError(f"journal holds {name}")

    data: dict[str, Any] = json.loads(response.content, parse_constant=refuse)
    return data


def assert_still_serving(server: MockServer) -> None:
    with httpx.Client(timeout=10) as client:
        reply = client.post(f"{server.base_url}/chat/completions", json=GOOD)
        assert reply.status_code == 200, reply.text[:300]
        assert client.get(f"{server.url}/_mock/health").json() == {"status": "ok"}
