"""payload faults over a real socket: valid SSE, surprising JSON (failure-modes.md 2.5).

Each test drives openai-python (`create(stream=True)` and the `chat.completions.stream()`
accumulator) and httpx-sse against one lane of the module's server, and asserts what they
observe with the installed versions.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _sse_clients import TEXT, enqueue, final_completion, openai_chunks, sse_events, text_of

ARGUMENTS = '{"city": "Paris", "unit": "celsius"}'
TOOL = {"tool_calls": [{"name": "get_weather", "arguments": ARGUMENTS}]}
USAGE = {"stream_options": {"include_usage": True}}


def sse_payloads(lane: Any, **extra: Any) -> list[Any]:
    """Every event's JSON via httpx-sse (`[DONE]` left out)."""
    return [e.json() for e in sse_events(lane, **extra) if e.data != "[DONE]"]


# -- tool_call_fragments --------------------------------------------------------------------
@pytest.mark.parametrize("pieces", [1, 3, 40])
def test_fragmented_tool_arguments_accumulate_to_the_same_call(lane: Any, pieces: int) -> None:
    spec = f"tool_call_fragments(pieces={pieces})"
    enqueue(lane, spec, **TOOL)
    call = final_completion(lane).choices[0].message.tool_calls[0]
    assert (call.function.name, call.function.arguments) == ("get_weather", ARGUMENTS)
    enqueue(lane, spec, **TOOL)
    fragments = [
        c["choices"][0]["delta"]["tool_calls"][0]
        for c in sse_payloads(lane)
        if c["choices"] and c["choices"][0]["delta"].get("tool_calls")
    ]
    assert "id" in fragments[0] and all("id" not in f for f in fragments[1:])
    arguments = [f["function"]["arguments"] for f in fragments[1:]]
    assert len(arguments) == min(pieces, len(ARGUMENTS)) and "".join(arguments) == ARGUMENTS
    if pieces > 1:  # a client that parses each fragment as JSON fails
        with pytest.raises(json.JSONDecodeError):
            [json.loads(a) for a in arguments]


# -- usage_chunk ----------------------------------------------------------------------------
def test_usage_first_breaks_choices_index_and_stream_helper_loses_usage(lane: Any) -> None:
    enqueue(lane, "usage_chunk(placement=first)")
    chunks = openai_chunks(lane, **USAGE)
    assert chunks[0].choices == [] and chunks[0].usage.completion_tokens == 3
    with pytest.raises(IndexError):
        chunks[0].choices[0]
    assert text_of(chunks) == TEXT and all(c.usage is None for c in chunks[1:])
    enqueue(lane, "usage_chunk(placement=first)")
    assert final_completion(lane, **USAGE).usage is None


def test_usage_before_finish_comes_before_finish_reason(lane: Any) -> None:
    enqueue(lane, "usage_chunk(placement=before_finish)")
    chunks = openai_chunks(lane)  # sent although the request did not ask for usage
    assert chunks[-2].choices == [] and chunks[-2].usage is not None
    assert chunks[-1].choices[0].finish_reason == "stop"
    enqueue(lane, "usage_chunk(placement=before_finish)")
    completion = final_completion(lane, **USAGE)
    assert completion.usage is None and completion.choices[0].finish_reason == "stop"


def test_usage_on_every_chunk_overcounts_when_summed(lane: Any) -> None:
    enqueue(lane, "usage_chunk(placement=every_chunk)")
    chunks = openai_chunks(lane, **USAGE)
    assert all(c.usage is not None for c in chunks)
    total = chunks[-1].usage.completion_tokens
    assert sum(c.usage.completion_tokens for c in chunks) > total
    running = [c.usage.completion_tokens for c in chunks if c.choices]
    assert running == sorted(running) and running[-1] == total
    enqueue(lane, "usage_chunk(placement=every_chunk)")
    assert final_completion(lane, **USAGE).usage.completion_tokens == total


def test_usage_missing_although_requested(lane: Any) -> None:
    enqueue(lane, "usage_chunk(placement=missing)")
    chunks = openai_chunks(lane, **USAGE)
    assert text_of(chunks) == TEXT
    assert all(c.choices and c.usage is None for c in chunks)
    enqueue(lane, "usage_chunk(placement=missing)")
    assert final_completion(lane, **USAGE).usage is None


# -- role_every_chunk -----------------------------------------------------------------------
def test_role_on_every_chunk_accumulates_into_a_garbled_role(lane: Any) -> None:
    enqueue(lane, "role_every_chunk")
    chunks = openai_chunks(lane)
    assert all(c.choices[0].delta.role == "assistant" for c in chunks)
    enqueue(lane, "role_every_chunk")
    message = final_completion(lane).choices[0].message
    assert message.content == TEXT
    assert message.role == "assistant" * len(chunks)


# -- empty_choices and null_content ---------------------------------------------------------
def test_empty_choices_chunk_breaks_index_zero(lane: Any) -> None:
    enqueue(lane, "empty_choices(at=1)")
    chunks = openai_chunks(lane)
    assert chunks[0].choices == [] and chunks[0].prompt_filter_results
    with pytest.raises(IndexError):
        chunks[0].choices[0]
    assert text_of(chunks) == TEXT
    enqueue(lane, "empty_choices(at=1)")
    assert final_completion(lane).choices[0].message.content == TEXT


def test_null_content_breaks_naive_concatenation(lane: Any) -> None:
    enqueue(lane, "null_content(at=2)")
    chunks = openai_chunks(lane)
    assert chunks[1].choices[0].delta.content is None
    with pytest.raises(TypeError):
        "".join(c.choices[0].delta.content for c in chunks[:-1])
    assert text_of(chunks) == TEXT
    enqueue(lane, "null_content(at=2)")
    assert sse_payloads(lane)[1]["choices"][0]["delta"] == {"content": None}


# -- no_finish_reason -----------------------------------------------------------------------
def test_no_finish_reason_looks_complete_but_has_no_reason(lane: Any) -> None:
    enqueue(lane, "no_finish_reason")
    chunks = openai_chunks(lane)
    assert text_of(chunks) == TEXT and len(chunks) == 5
    assert all(c.choices[0].finish_reason is None for c in chunks)
    enqueue(lane, "no_finish_reason")
    completion = final_completion(lane)
    assert completion.choices[0].message.content == TEXT
    assert completion.choices[0].finish_reason is None
