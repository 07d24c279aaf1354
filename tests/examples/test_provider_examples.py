"""README examples: one short test per provider (Gemini, Ollama, Cohere), each through its
SDK on the test's lane; the last test checks that the README shows exactly these."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest


def test_gemini_stream_stops_silently_on_a_safety_block(mockserver):
    mockserver.stream("Hello there, world", faults=["gemini_blocked(at=2)"])
    gemini = mockserver.google_client()  # google-genai on this test's lane
    chunks = list(gemini.models.generate_content_stream(model="gemini-2.5-flash", contents="Hi"))
    assert "".join(c.text or "" for c in chunks) == "Hello"  # no exception: check finish_reason
    assert chunks[-1].candidates[0].finish_reason == "SAFETY"


def test_ollama_raises_on_a_malformed_ndjson_line(mockserver):
    mockserver.stream("Hello there, world", faults=["malformed_json(at=2)"])
    parts = mockserver.ollama_client().chat(model="llama3.2", stream=True,
                                            messages=[{"role": "user", "content": "Hi"}])
    with pytest.raises(json.JSONDecodeError):  # ollama-python parses each line as it comes
        list(parts)


def test_cohere_stream_cut_early_ends_without_message_end(mockserver):
    mockserver.stream("Hello there, world", faults=["close(after=2, mode=clean)"])
    events = mockserver.cohere_client().chat_stream(model="command-a-03-2025",
                                                    messages=[{"role": "user", "content": "Hi"}])
    assert [e.type for e in events] == ["message-start", "content-start"]  # and no error


def test_the_readme_shows_these_examples():
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    for example in (test_gemini_stream_stops_silently_on_a_safety_block,
                    test_ollama_raises_on_a_malformed_ndjson_line,
                    test_cohere_stream_cut_early_ends_without_message_end):
        assert inspect.getsource(example) in readme
