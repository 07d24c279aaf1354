"""Exact bytes of one canonical stream per provider (compile_plan, seed 7, no socket), and
determinism: the same scenario and seed give the same bytes, another seed other ids.

    gemini_text_seed7.sse        streamGenerateContent, "Hi there"   (CRLF SSE, Google's JSON)
    ollama_chat_seed7.ndjson     /api/chat, "Hi there"               (NDJSON, Go's JSON)
    cohere_text_seed7.sse        /v2/chat, "Hi there"                (typed SSE, then [DONE])

A deliberate change of a format regenerates them: `python tests/formats/test_provider_bytes.py`
(then review the diff of tests/formats/golden/).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.plan import WirePlan
from mockserver.core.scenario import Response
from mockserver.faults import parse_faults

GOLDEN = Path(__file__).parent / "golden"
STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
USER = [{"role": "user", "content": "Say hi"}]
#: golden file -> (format, path, body, path params)
REQUESTS: dict[str, tuple[str, str, dict[str, Any], dict[str, str]]] = {
    "gemini_text_seed7.sse": ("gemini", STREAM,
                              {"contents": [{"role": "user", "parts": [{"text": "Say hi"}]}]},
                              {"model": "gemini-2.5-flash"}),
    "ollama_chat_seed7.ndjson": ("ollama", "/api/chat", {"model": "llama3.2", "messages": USER},
                                 {}),
    "cohere_text_seed7.sse": ("cohere", "/v2/chat", {"model": "command-a-03-2025",
                                                     "messages": USER, "stream": True}, {}),
}
RICH = {"text": "Hi <there> ☃", "reasoning": "Think first.",
        "tool_calls": [{"name": "get_weather", "arguments": '{"city": "Paris"}'}]}


def plan(name: str, response: dict[str, Any] | None = None, *, seed: int = 7,
         faults: str = "") -> WirePlan:
    api, path, body, params = REQUESTS[name]
    view = view_for(api, path, body, params)
    return compile_plan(view, response=Response.from_dict(response or {"text": "Hi there"}),
                        seed=seed, model=view.model, faults=parse_faults(faults))


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_canonical_stream_bytes_are_exact(name: str) -> None:
    assert plan(name).body() == (GOLDEN / name).read_bytes()


@pytest.mark.parametrize("name", sorted(REQUESTS))
@pytest.mark.parametrize("faults", ["", "split(mode=random, size=7); close(after=3)"])
def test_same_scenario_and_seed_give_the_same_bytes_and_plan(name: str, faults: str) -> None:
    first, again = plan(name, RICH, faults=faults), plan(name, RICH, faults=faults)
    assert first.body() == again.body() and repr(first) == repr(again)
    assert plan(name, RICH, seed=8).body() != first.body()  # ids, times, counters


def test_gemini_chunks_are_one_line_of_googles_json_each_ended_by_crlf() -> None:
    body = plan("gemini_text_seed7.sse", RICH).body()
    events = body.split(b"\r\n\r\n")
    assert events[-1] == b"" and all(e.startswith(b"data: {") for e in events[:-1])
    first = events[0][len(b"data: "):].decode()
    assert first.startswith('{"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": ')
    assert json.loads(first)["usageMetadata"]["thoughtsTokenCount"] == 2


def test_ollama_lines_escape_html_as_go_does_and_end_with_done() -> None:
    lines = plan("ollama_chat_seed7.ndjson", RICH).body().split(b"\n")
    assert lines[-1] == b"" and b"\\u003cthere\\u003e" in b"".join(lines)
    objects = [json.loads(line) for line in lines[:-1]]
    assert [o["done"] for o in objects] == [False] * (len(objects) - 1) + [True]
    assert objects[0]["message"] == {"role": "assistant", "content": "", "thinking": "Think"}
    calls = objects[-2]["message"]["tool_calls"]
    assert calls[0]["function"] == {"index": 0, "name": "get_weather",
                                    "arguments": {"city": "Paris"}}
    assert len(calls[0]["id"]) == len("call_") + 8


if __name__ == "__main__":  # regenerate the golden files
    for file in REQUESTS:
        (GOLDEN / file).write_bytes(plan(file).body())
        print(f"wrote {GOLDEN / file}", file=sys.stderr)
