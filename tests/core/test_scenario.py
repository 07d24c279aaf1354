"""Scenario documents: one shape for Python, YAML and JSON; every error names the field path."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.cli.loader import load_scenarios
from mockserver.core.scenario import ErrorReply, Response, Scenario, Timing, ToolCall
from mockserver.errors import ScenarioError


def test_full_document_round_trips_to_frozen_data() -> None:
    scenario = Scenario.from_dict(
        {
            "name": "drop-after-two",
            "match": {"path": "/v1/chat/completions", "model": "gpt-4.1"},
            "times": 2,
            "seed": 7,
            "response": {"text": "Hello there, world"},
            "timing": {"first_token_ms": 5, "chunk_ms": 1},
            "faults": ["close(after=2, mode=reset)", {"name": "missing_done"}],
        }
    )
    assert scenario.name == "drop-after-two"
    assert scenario.match.matches("/v1/chat/completions", "gpt-4.1")
    assert not scenario.match.matches("/v1/chat/completions", "gpt-4o")
    assert scenario.times == 2 and scenario.seed == 7
    assert scenario.timing == Timing(first_token_ms=5.0, chunk_ms=1.0)
    assert [f.spec() for f in scenario.faults] == ["close(after=2, mode=reset)", "missing_done"]
    assert scenario.response_for(0) == Response(text="Hello there, world")


def test_sequence_is_consumed_in_order_and_last_one_repeats() -> None:
    scenario = Scenario.from_dict(
        {
            "sequence": [
                {"error": {"status": 500}},
                {"error": {"status": 500}},
                {"text": "ok"},
            ]
        }
    )
    assert scenario.times == 3
    assert scenario.response_for(0).error == ErrorReply(status=500)
    assert scenario.response_for(2).text == "ok"
    assert scenario.response_for(9).text == "ok"


def test_tool_calls_accept_mapping_arguments_and_ids() -> None:
    response = Response.from_dict(
        {
            "tool_calls": [
                {"name": "get_weather", "arguments": {"city": "Paris"}, "id": "call_1"},
            ]
        }
    )
    assert response.tool_calls == (ToolCall("get_weather", '{"city": "Paris"}', "call_1"),)


def test_times_always_and_realistic_timing() -> None:
    scenario = Scenario.from_dict({"times": "always", "timing": "realistic"})
    assert scenario.times is None
    assert scenario.timing is not None and scenario.timing.first_token_ms > 0


@pytest.mark.parametrize(
    ("doc", "path", "words"),
    [
        ({"respnse": {}}, "respnse", "unknown field"),
        ({"response": {"text": 3}}, "response.text", "expected a string"),
        ({"response": {"chunks": "abc"}}, "response.chunks", "expected a list"),
        ({"response": {"chunks": ["a", 1]}}, "response.chunks", "item 1 must be a string"),
        ({"response": {"text": "a", "chunks": ["a"]}}, "response.chunks", "either text or chunks"),
        ({"response": {"finish_reason": "done"}}, "response.finish_reason", "expected one of"),
        ({"response": {"error": {"status": 700}}}, "response.error.status", "100-599"),
        (
            {"response": {"tool_calls": [{"arguments": "{}"}]}},
            "response.tool_calls[0].name",
            "needs a name",
        ),
        ({"sequence": [{"text": "a"}, {"text": 5}]}, "sequence[1].text", "expected a string"),
        ({"sequence": []}, "sequence", "at least one"),
        ({"times": 0}, "times", ">= 1"),
        ({"timing": {"chunk_ms": -1}}, "timing.chunk_ms", ">= 0"),
        ({"faults": ["close(mode=boom)"]}, "faults[0]", "must be one of clean, abrupt, reset"),
        ({"faults": ["nope"]}, "faults[0]", "unknown fault 'nope'"),
        ({"match": {"paht": "/v1"}}, "match.paht", "unknown field"),
        ({"response": {"chunks": {"repeat": "t"}}}, "response.chunks.times", "required"),
        ({"response": {"chunks": {"repeat": "t", "times": 0}}}, "response.chunks.times",
         ">= 1"),
        ({"response": {"chunks": {"repeat": "t", "times": "9"}}}, "response.chunks.times",
         "expected an integer"),
        ({"response": {"chunks": {"repeat": 3, "times": 2}}}, "response.chunks.repeat",
         "a string or a non-empty list of strings"),
        ({"response": {"chunks": {"repeat": [], "times": 2}}}, "response.chunks.repeat",
         "non-empty list"),
        ({"response": {"chunks": {"repeat": "t", "times": 2, "every": 1}}},
         "response.chunks.every", "unknown field"),
    ],
)
def test_invalid_documents_name_the_field(doc: dict, path: str, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(doc, where="s.yaml")
    assert info.value.where == "s.yaml"
    assert info.value.path == path
    assert words in str(info.value)
    assert str(info.value).startswith(f"s.yaml: {path}: ")


def test_files_and_directories_load_with_file_and_field_in_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("- name: one\n  response: {text: hi}\n- name: two\n")
    (tmp_path / "b.json").write_text('{"name": "three", "response": {"chunks": ["x"]}}')
    assert [s.name for s in load_scenarios(tmp_path)] == ["one", "two", "three"]
    bad = tmp_path / "c.yaml"
    bad.write_text("- name: ok\n- response: {tool_calls: [{name: f, arguments: 3}]}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenarios(bad)
    assert str(info.value) == (
        f"{bad}: [1].response.tool_calls[0].arguments: expected the JSON string of the arguments"
    )
    (tmp_path / "d.yaml").write_text("name: [unclosed\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenarios(tmp_path / "d.yaml")
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenarios(tmp_path / "missing.yaml")


def test_repeat_chunks_hold_one_repetition_and_read_like_the_expanded_tuple() -> None:
    """`chunks: {repeat, times}` is a Repeat: the script's size does not grow with `times`."""
    import sys

    from mockserver.core.scenario import Repeat

    scenario = Scenario.from_dict({"response": {"chunks": {"repeat": "tok", "times": 10**6}}})
    chunks = scenario.responses[0].chunks
    assert isinstance(chunks, Repeat) and chunks == Repeat(("tok",), 10**6)
    assert len(chunks) == 10**6 and chunks[0] == chunks[-1] == "tok"
    assert sys.getsizeof(chunks) < 100 and chunks.to_dict() == {"repeat": "tok", "times": 10**6}
    cycle = Scenario.from_dict({"response": {"chunks": {"repeat": ["a", "b "], "times": 3}}})
    assert tuple(cycle.responses[0].chunks or ()) == ("a", "b ") * 3
    assert cycle.responses[0].chunks[1:4] == ("b ", "a", "b ")  # type: ignore[index]
    with pytest.raises(IndexError):
        cycle.responses[0].chunks[6]  # type: ignore[index]


def test_repeat_streams_the_same_bytes_as_the_expanded_list_and_counts_usage() -> None:
    from mockserver.core.compile import compile_plan
    from mockserver.core.formats import view_for

    view = view_for("chat", "/v1/chat/completions", {
        "model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}], "stream": True,
        "stream_options": {"include_usage": True}})
    compact = Response.from_dict({"chunks": {"repeat": ["one ", "two "], "times": 500}})
    expanded = Response.from_dict({"chunks": ["one ", "two "] * 500})
    a = compile_plan(view, response=compact, seed=4, model="m")
    b = compile_plan(view, response=expanded, seed=4, model="m")
    assert a.writes() == b.writes() and len(a.writes()) == 1000 + 4
    assert b'"completion_tokens":1000' in a.writes()[-2]
