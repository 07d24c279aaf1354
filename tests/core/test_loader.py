"""Scenario files (`--scenarios PATH`): a file or a directory of YAML/JSON; every error names
the file and the field path (SPEC 3)."""

from __future__ import annotations

import json

import pytest

from mockserver.cli.loader import load_scenarios
from mockserver.errors import ScenarioError


def test_one_file_with_a_list_and_a_directory_of_yaml_and_json(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "- name: first\n  response: {text: hi}\n"
        "- name: second\n  sequence: [{error: {status: 500}}, {text: ok}]\n"
        "  faults: ['close(after=2, mode=reset)']\n"
    )
    (tmp_path / "b.json").write_text(json.dumps({"name": "third", "times": "always"}))
    (tmp_path / "notes.txt").write_text("ignored")
    assert [s.name for s in load_scenarios(tmp_path / "a.yaml")] == ["first", "second"]
    loaded = load_scenarios(tmp_path)
    assert [s.name for s in loaded] == ["first", "second", "third"]
    assert len(loaded[1].responses) == 2
    assert loaded[1].faults[0].spec() == "close(after=2, mode=reset)"
    assert loaded[2].times is None


@pytest.mark.parametrize(("name", "text", "words"), [
    ("list.yaml", "- name: ok\n- name: bad\n  response: {text: 5}\n",
     "list.yaml: [1].response.text: expected a string"),
    ("one.yaml", "name: x\nfaults: [nope]\n", "one.yaml: faults[0]: unknown fault 'nope'"),
    ("param.yaml", "faults: ['close(mode=explode)']\n",
     "param.yaml: faults[0]: close: parameter 'mode'"),
    ("seq.yaml", "sequence: [{text: a}, {txet: b}]\n", "seq.yaml: sequence[1].txet: unknown field"),
    ("syntax.yaml", "name: [unclosed\n", "syntax.yaml: not valid YAML"),
    ("syntax.json", '{"name": ', "syntax.json: not valid JSON"),
    ("scalar.json", "42", "scalar.json: <root>: expected a mapping"),
])
def test_invalid_files_name_the_file_and_the_field(tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenarios(path)
    assert str(info.value).startswith(str(tmp_path))
    assert words in str(info.value)


def test_duplicate_names_across_files_name_both(tmp_path):
    (tmp_path / "a.yaml").write_text("name: same\n")
    (tmp_path / "b.yaml").write_text("name: same\n")
    pattern = r"b\.yaml: name: scenario name 'same' is already defined in .*a\.yaml"
    with pytest.raises(ScenarioError, match=pattern):
        load_scenarios(tmp_path)


def test_missing_path_empty_directory_and_binary_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such file or directory"):
        load_scenarios(tmp_path / "missing.yaml")
    with pytest.raises(ScenarioError, match="no .yaml, .yml, .json files"):
        load_scenarios(tmp_path)
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ScenarioError, match="bin.yaml: cannot read the file"):
        load_scenarios(tmp_path)


def _laughs_in_arguments() -> str:
    """The campaign's 900-byte bomb: a billion-laughs alias chain as a tool call's arguments."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return ("response:\n  tool_calls:\n    - name: f\n      arguments:\n"
            + "".join(f"        {line}\n" for line in lines))


@pytest.mark.parametrize(("name", "text", "words"), [
    ("bomb.yaml", _laughs_in_arguments(),
     "bomb.yaml: YAML over its budget (max_nodes): more than 200000 nodes"),
    ("deep.yaml", "response: " + "[" * 100 + "]" * 100,
     "deep.yaml: YAML over its budget (max_depth)"),
    ("nan.json", '{"timing": {"chunk_ms": NaN}}',
     "nan.json: not valid JSON: NaN is not valid JSON"),
    ("inf.yaml", "timing: {chunk_ms: .inf}\n",
     "inf.yaml: timing.chunk_ms: expected a finite number"),
])
def test_hostile_scenario_files_are_refused_naming_the_file_and_limit(tmp_path, name, text, words):
    (tmp_path / name).write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenarios(tmp_path / name)
    assert words in str(info.value)
