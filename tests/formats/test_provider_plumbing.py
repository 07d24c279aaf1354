"""Gemini, Ollama and Cohere through the rest of mockserver: chaos draws only faults that act
on the route's framing, `mockserver play` renders their routes, the journal and a failing
test's transcript show what was sent, and the resilience matrix classifies their SDKs."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import ollama
import pytest

from mockserver import MockServer
from mockserver.cli.playback import describe_timeline, plan_for_file
from mockserver.faults import parse_faults

SSL = ssl.create_default_context()
ROUTES = {
    "gemini": ("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
               {"contents": [{"parts": [{"text": "Hi"}]}]}),
    "ollama": ("/api/chat", {"model": "llama3.2", "messages": [{"role": "user", "content": "Hi"}]}),
    "cohere": ("/v2/chat", {"model": "command-a-03-2025", "stream": True,
                            "messages": [{"role": "user", "content": "Hi"}]}),
}
FRAMINGS = {"gemini": "sse", "ollama": "ndjson", "cohere": "sse"}
SEEDS = {"gemini": 7, "ollama": 4, "cohere": 7}  # draws without stalls: the test stays quick


@pytest.mark.parametrize("provider", sorted(ROUTES))
def test_chaos_draws_faults_that_act_on_the_providers_framing(provider: str) -> None:
    path, body = ROUTES[provider]
    with MockServer(chaos=1.0, seed=SEEDS[provider]) as chaotic, \
            httpx.Client(verify=SSL, timeout=5) as http:
        drawn = set()
        for _ in range(8):
            try:
                reply = http.post(chaotic.url_for(path), json=body)
                drawn.add(reply.headers["x-mock-fault"])
            except httpx.HTTPError:
                pass  # resets and broken framing are what chaos is for
        journal = chaotic.requests()
    drawn |= {f for entry in journal for f in entry.faults}
    assert len(drawn) >= 3
    for spec in drawn:
        fault = parse_faults(spec)[0]
        assert FRAMINGS[provider] in type(fault).applies_to(), spec
    if provider == "ollama":
        assert not any(spec.startswith(("bom", "keepalive", "line_endings")) for spec in drawn)


@pytest.mark.parametrize(("path", "first"), [
    ("/v1beta/models/gemini-2.5-pro:streamGenerateContent", b'data: {"candidates": [{'),
    ("/api/chat", b'{"model":"gpt-4.1","created_at":"'),
    ("/v2/chat", b"event: message-start\ndata: {"),
])
def test_mockserver_play_renders_the_provider_routes(tmp_path: Path, path: str,
                                                     first: bytes) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text('response: {text: "Hello there"}\nfaults: ["close(after=2)"]\n')
    plan = plan_for_file(str(scenario), api_path=path)
    writes = [op for op in plan.ops if hasattr(op, "data")]
    assert writes[0].data.startswith(first) and len(writes) == 2
    assert "close abrupt" in describe_timeline(plan)


def test_journal_transcript_and_resilience_on_a_provider_route(mockserver) -> None:
    mockserver.stream("Hallo Welt", faults=["split(mode=inside_data); close(after=1, mode=reset)"])
    client = mockserver.ollama_client()
    with pytest.raises(httpx.ReadError):
        list(client.chat(model="llama3.2", messages=[{"role": "user", "content": "Hi"}],
                         stream=True))
    entry = mockserver.requests[0]
    assert entry.path.endswith("/api/chat") and entry.body["model"] == "llama3.2"
    assert entry.outcome == "reset" and entry.status == 200
    transcript = mockserver.transcript()
    assert "POST /lane/" in transcript and "/api/chat" in transcript
    assert "content-type: application/x-ndjson" in transcript and "CLOSE reset" in transcript

    def ask(base_url: str) -> str:
        with httpx.HTTPTransport(verify=SSL) as transport:
            reply = ollama.Client(host=base_url.removesuffix("/v1"), timeout=1,
                                  transport=transport).chat(
                model="llama3.2", messages=[{"role": "user", "content": "Hi"}], stream=True)
            return "".join(part.message.content or "" for part in reply)

    report = mockserver.resilience(ask, faults=["missing_done", "close(after=2, mode=clean)",
                                                "malformed_json(at=2)"], timeout=5)
    outcomes = {row.fault: row.outcome for row in report.rows}
    assert outcomes == {"(none)": "ok", "missing_done": "ok",
                        "close(after=2, mode=clean)": "silent_truncation",
                        "malformed_json(at=2)": "raised JSONDecodeError"}
