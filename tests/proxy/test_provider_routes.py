"""`serve --upstream` on the provider routes, in front of a second mockserver on 127.0.0.1
that speaks them: Ollama's NDJSON (/api/chat), Gemini's CRLF SSE (google-genai), Cohere's
typed SSE, Bedrock's binary event stream (boto3, which checks every CRC) and Azure OpenAI
(openai.AzureOpenAI). Each streams through unchanged, takes its own faults live (per line,
per chunk, per event-stream message), lists models through the upstream, and records into a
scenario that replays the same answer and that `mockserver diff` finds faithful."""

from __future__ import annotations

import ssl
import time
from pathlib import Path
from typing import Any

import boto3
import cohere
import httpx
import ollama
import openai
import pytest
import yaml
from botocore.config import Config
from botocore.eventstream import ChecksumMismatch
from botocore.exceptions import EventStreamError
from google import genai

from mockserver import MockServer
from mockserver.cli.diff import differences
from mockserver.cli.loader import load_scenarios
from mockserver.transport.state import ServerConfig
from tests.proxy.conftest import journal

SSL = ssl.create_default_context()  # one context for every client (each costs 70-280 ms)
CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def _ollama(root: str, text: str, **headers: str) -> list[Any]:
    with httpx.HTTPTransport(verify=SSL) as transport:
        client = ollama.Client(host=root, timeout=10, transport=transport, headers=headers)
        return list(client.chat(model="llama3.2", messages=[{"role": "user", "content": text}],
                                stream=True))


def _gemini(root: str, text: str, **headers: str) -> list[Any]:
    with genai.Client(api_key="test", http_options={
            "base_url": root, "timeout": 10_000, "headers": headers,
            "client_args": {"verify": SSL}}) as client:
        return list(client.models.generate_content_stream(model="gemini-2.5-flash",
                                                          contents=text))


def _cohere(root: str, text: str) -> str:
    with httpx.Client(verify=SSL, timeout=10) as http:
        client = cohere.ClientV2(base_url=root, api_key="test", max_retries=0, httpx_client=http)
        events = client.chat_stream(model="command-a-03-2025",
                                    messages=[{"role": "user", "content": text}])
        return "".join(e.delta.message.content.text for e in events if e.type == "content-delta")


def _bedrock(root: str) -> Any:
    return boto3.client(
        "bedrock-runtime", endpoint_url=root, region_name="us-east-1", aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10))


def _converse(root: str, text: str) -> Any:
    client = _bedrock(root)
    stream = None
    try:
        reply = client.converse_stream(
            modelId=CLAUDE, messages=[{"role": "user", "content": [{"text": text}]}])
        stream = reply["stream"]
        return list(stream)
    finally:
        if stream is not None:  # a stream that failed mid-read (a bad CRC) holds its socket
            stream.close()
        client.close()


def _converse_text(events: list[Any]) -> str:
    return "".join(e["contentBlockDelta"]["delta"].get("text", "") for e in events
                   if "contentBlockDelta" in e)


def test_ollama_native_chat_streams_through_and_missing_done_drops_its_done_line(
        upstream, proxy) -> None:
    server = proxy(upstream.url)
    direct = _ollama(upstream.url, "native lines")
    through = _ollama(server.url, "native lines")
    assert "".join(p.message.content for p in through) == "".join(
        p.message.content for p in direct) != ""
    assert through[-1].done and through[-1].done_reason == "stop"
    cut = _ollama(server.url, "native lines", **{"X-Mock-Fault": "missing_done"})
    assert "".join(p.message.content for p in cut) == "".join(p.message.content for p in direct)
    assert not any(p.done for p in cut)  # the `done: true` line dropped as it passed
    entry = journal(server)[-1]
    assert entry.upstream == upstream.url + "/api/chat" and entry.faults == ("missing_done",)


def test_gemini_streams_through_and_gemini_blocked_stops_it_live(upstream, proxy) -> None:
    server = proxy(upstream.url)
    direct = _gemini(upstream.url, "blocked or not")
    assert len(direct) >= 3
    through = _gemini(server.url, "blocked or not")
    assert "".join(c.text or "" for c in through) == "".join(c.text or "" for c in direct)
    blocked = _gemini(server.url, "blocked or not", **{"X-Mock-Fault": "gemini_blocked(at=2)"})
    assert len(blocked) == 2 and blocked[0].text == direct[0].text
    assert blocked[1].text is None and blocked[1].candidates[0].finish_reason == "SAFETY"
    assert journal(server)[-1].outcome == "completed"


def test_bedrock_event_stream_passes_message_by_message_and_takes_its_faults(
        upstream, proxy) -> None:
    server = proxy(upstream.url)
    direct = _converse_text(_converse(upstream.url, "binary frames"))
    assert _converse_text(_converse(server.url, "binary frames")) == direct != ""
    # a fault that acts on no message here: every message keeps the upstream's exact bytes
    server.enqueue({"faults": ["malformed_json(at=99)"]}, lane="bytes")
    assert _converse_text(_converse(server.url_for("", lane="bytes"), "binary frames")) == direct
    sent = [e for e in journal(upstream) if e.path.endswith("/converse-stream")][-1]
    assert journal(server, "bytes")[0].plan.body() == sent.plan.body()
    server.enqueue({"faults": ["bad_crc(at=3)"]}, lane="crc")
    with pytest.raises(ChecksumMismatch):
        _converse(server.url_for("", lane="crc"), "binary frames")
    server.enqueue({"faults": ["exception_event(at=3, type=throttlingException)"]}, lane="exc")
    with pytest.raises(EventStreamError, match="throttlingException"):
        _converse(server.url_for("", lane="exc"), "binary frames")
    server.enqueue({"faults": ["truncated_frame(at=3)"]}, lane="cut")
    events = _converse(server.url_for("", lane="cut"), "binary frames")
    assert len(events) == 2  # messageStart and one delta, then the body ends mid-message
    assert journal(server, "exc")[0].proxied


def test_cohere_and_azure_stream_through_the_proxy(upstream, proxy) -> None:
    server = proxy(upstream.url)
    assert _cohere(server.url, "typed events") == _cohere(upstream.url, "typed events") != ""
    azure = openai.AzureOpenAI(azure_endpoint=server.url, api_key="test", max_retries=0,
                               timeout=10, api_version="2024-10-21")
    chunks = list(azure.chat.completions.create(
        model="gpt-4o", stream=True, messages=[{"role": "user", "content": "deployment"}]))
    assert chunks[0].choices == []  # Azure's prompt_filter_results chunk, from the upstream
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert journal(server)[-1].upstream.startswith(
        upstream.url + "/openai/deployments/gpt-4o/chat/completions?api-version=")


def test_provider_checks_other_than_the_key_are_the_upstreams(upstream, proxy) -> None:
    """Azure's api-version is the upstream's to judge (a newer one than the mock knows
    passes to it); --api-key stays the mock's own check, in the route's shape."""
    server = proxy(upstream.url)
    path = "/openai/deployments/gpt-4o/chat/completions?api-version=2099-01-01-preview"
    answer = httpx.post(server.url + path, json={"messages": [{"role": "user", "content": "v"}]},
                        timeout=10)
    assert answer.status_code == 404  # the upstream's verdict, passed on
    assert [e for e in journal(upstream) if e.path.startswith("/openai/")]
    assert journal(server)[-1].proxied
    keyed = proxy(upstream.url, api_key="sk-the-key")
    refused = httpx.post(keyed.url + "/v1beta/models/gemini-2.5-flash:generateContent",
                         json={"contents": [{"parts": [{"text": "hi"}]}]}, timeout=10)
    assert refused.status_code == 403 and refused.json()["error"]["status"] == \
        "PERMISSION_DENIED"  # Google's shape
    assert not journal(keyed)[0].proxied


def test_provider_model_lists_come_from_the_upstream(upstream, proxy) -> None:
    server = proxy(upstream.url)
    for path in ("/api/tags", "/v1beta/models?key=x"):
        through = httpx.get(server.url + path, timeout=10)
        assert through.status_code == 200
        assert through.json() == httpx.get(upstream.url + path, timeout=10).json()
    assert [e.upstream for e in journal(server)] == [
        upstream.url + "/api/tags", upstream.url + "/v1beta/models?key=x"]


def _recorded(directory: Path, count: int, timeout: float = 5.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while len(found := sorted(directory.glob("*.yaml"))) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return found


def test_provider_streams_record_replay_and_diff_clean(upstream, proxy, tmp_path) -> None:
    recorder = proxy(upstream.url, record_dir=str(tmp_path))
    said = {
        "ollama": "".join(p.message.content for p in _ollama(recorder.url, "rec ollama")),
        "gemini": "".join(c.text or "" for c in _gemini(recorder.url, "rec gemini")),
        "cohere": _cohere(recorder.url, "rec cohere"),
        "bedrock_converse": _converse_text(_converse(recorder.url, "rec bedrock")),
    }
    files = _recorded(tmp_path, 4)
    docs = {yaml.safe_load(f.read_text())["name"].split("-")[0]: yaml.safe_load(f.read_text())
            for f in files}
    assert sorted(docs) == ["bedrock_converse", "cohere", "gemini", "ollama"]
    assert docs["gemini"]["match"]["model"] == "gemini-2.5-flash"  # from the path
    assert docs["bedrock_converse"]["match"]["model"] == CLAUDE
    assert docs["ollama"]["response"]["finish_reason"] == "stop"
    assert docs["bedrock_converse"]["response"]["usage"]["completion_tokens"] > 0
    assert "".join(docs["gemini"]["response"]["chunks"]) == said["gemini"]
    replay = MockServer(config=ServerConfig(fast=True))
    for scenario in load_scenarios(tmp_path):
        replay.state.add_library(scenario)
        assert differences(scenario) == [], scenario.name  # a mock upstream: nothing differs
    with replay:
        assert "".join(p.message.content for p in _ollama(replay.url, "rec ollama")) == \
            said["ollama"]
        assert "".join(c.text or "" for c in _gemini(replay.url, "rec gemini")) == said["gemini"]
        assert _cohere(replay.url, "rec cohere") == said["cohere"]
        assert _converse_text(_converse(replay.url, "rec bedrock")) == said["bedrock_converse"]
        assert all(e.scenario and not e.proxied for e in journal(replay))
