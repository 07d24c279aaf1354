"""Fixtures for the proxy tests: upstreams on 127.0.0.1 only (a second mockserver, and the
paced upstream of paced_upstream.py), and a factory for proxies in front of them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from mockserver import MockServer
from tests.proxy.paced_upstream import PacedUpstream


@pytest.fixture(scope="module")
def upstream() -> Iterator[MockServer]:
    """A second mockserver playing the real API."""
    with MockServer() as running:
        yield running
        running.check()


@pytest.fixture(scope="module")
def paced() -> Iterator[PacedUpstream]:
    with PacedUpstream(gap=0.05) as running:
        yield running


@pytest.fixture
def proxy() -> Iterator[Callable[..., MockServer]]:
    """`proxy(*upstream specs, **ServerConfig fields)`: a started mockserver in front of them,
    stopped (and checked for server-side errors) at the end of the test."""
    with ExitStack() as stack:
        servers: list[MockServer] = []

        def start(*upstreams: str, **config: Any) -> MockServer:
            config.setdefault("upstream_timeout", 10.0)
            server = stack.enter_context(MockServer(upstreams=upstreams, **config))
            servers.append(server)
            return server

        yield start
        for server in servers:
            server.check()


def chat(text: str, *, stream: bool = True, **extra: Any) -> dict[str, Any]:
    """A chat request whose answer (the mock's faithful default) says `You said: <text>`."""
    return {"model": "gpt-4.1", "stream": stream,
            "messages": [{"role": "user", "content": text}], **extra}


def journal(server: MockServer, lane: str | None = None, timeout: float = 5.0) -> list[Any]:
    """The journal once no entry is pending: a client may hold the last byte (an SDK stops at
    `[DONE]`) before the proxy has recorded the outcome, as the plugin's journal waits too."""
    deadline = time.monotonic() + timeout
    while True:
        entries = server.requests(lane)
        if all(e.outcome != "pending" for e in entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.002)


def sent_by(upstream: MockServer, text: str) -> Any:
    """The upstream's journal entry of the request whose last message was `text`."""
    for entry in journal(upstream):
        messages = (entry.body or {}).get("messages") or [{}]
        if messages[-1].get("content") == text:
            return entry
    raise AssertionError(f"the upstream never saw {text!r}")
