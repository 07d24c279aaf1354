"""An unreachable upstream gets 502 and a silent one 504 after `--upstream-timeout`, in the
route's own error shape, naming the upstream; the server keeps serving (SPEC 10)."""

from __future__ import annotations

import re
import socket

import anthropic
import httpx
import openai
import pytest

from tests.proxy.conftest import chat, journal


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_upstream_is_a_502_naming_it(proxy) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}"
    server = proxy(dead)
    got = httpx.post(server.url + "/v1/chat/completions", json=chat("anyone?"), timeout=10)
    assert got.status_code == 502
    error = got.json()["error"]
    assert dead + "/v1/chat/completions" in error["message"]
    assert error["code"] == "upstream_unreachable"
    client = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0, timeout=10)
    with pytest.raises(openai.APIStatusError) as raised:
        client.chat.completions.create(model="gpt-4.1", messages=[{"role": "user",
                                                                   "content": "sdk"}])
    assert raised.value.status_code == 502
    claude = anthropic.Anthropic(base_url=server.url, api_key="x", max_retries=0, timeout=10)
    with pytest.raises(anthropic.APIStatusError) as raised_claude:
        claude.messages.create(model="claude-sonnet-4.5", max_tokens=10,
                               messages=[{"role": "user", "content": "hi"}])
    assert raised_claude.value.status_code == 502
    assert raised_claude.value.body["type"] == "error"  # Anthropic's own shape
    assert [e.status for e in journal(server)] == [502, 502, 502]
    assert journal(server)[0].outcome == "completed" and journal(server)[0].proxied


def test_a_silent_upstream_is_a_504_after_the_timeout(paced, proxy) -> None:
    server = proxy(paced.url, upstream_timeout=0.3)
    got = httpx.post(server.url + "/v1/chat/completions", json=chat("hello?"),
                     headers={"x-paced": "silent"}, timeout=10)
    assert got.status_code == 504
    error = got.json()["error"]
    assert paced.url in error["message"] and "0.3 s" in error["message"]
    assert error["code"] == "upstream_timeout"
    fine = httpx.post(server.url + "/v1/chat/completions", json=chat("again"), timeout=10)
    assert fine.status_code == 200  # and the server keeps serving


def test_bad_upstream_options_are_refused_with_a_clear_error() -> None:
    from mockserver.errors import ConfigError
    from mockserver.transport.upstreams import parse_upstream

    cases = [("ftp://x", "http(s) URL"), ("api=http://x", "must start with '/'"),
             ("http://x?a=1", "no query")]
    for value, words in cases:
        with pytest.raises(ConfigError, match=re.escape(words)):
            parse_upstream(value)
    assert parse_upstream("/api/=http://h:1/base/").url == "http://h:1/base"


def test_without_httpx_the_proxy_says_how_to_get_it(monkeypatch) -> None:
    import sys

    from mockserver import MockServer
    from mockserver.errors import ConfigError
    from mockserver.transport.state import ServerConfig
    from mockserver.transport.upstreams import parse_upstream

    monkeypatch.delitem(sys.modules, "mockserver.transport.proxy", raising=False)
    monkeypatch.setitem(sys.modules, "httpx", None)  # as if the `proxy` extra were missing
    config = ServerConfig(upstreams=(parse_upstream("http://127.0.0.1:9"),))
    with pytest.raises(ConfigError, match=re.escape("pip install 'mockserver[proxy]'")):
        MockServer(config=config)
