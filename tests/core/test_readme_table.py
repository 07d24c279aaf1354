"""The README fault table is generated from the registry and must match it exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.cli.table import END, START, markdown_table, replace_block, signature
from mockserver.faults import registry
from tools.outcomes.render import readme_table
from tools.outcomes.store import load

README = Path(__file__).resolve().parents[2] / "README.md"
FIX = "regenerate it with: python -m tools.outcomes render"


def test_readme_fault_table_matches_the_registry_and_the_measured_outcomes() -> None:
    text = README.read_text("utf-8")
    assert text.count(START) == 1 and text.count(END) == 1, f"README needs one {START} / {END}"
    block = text[text.index(START) + len(START) : text.index(END)].strip("\n")
    assert block == readme_table(load()), f"README fault table is out of date; {FIX}"


def test_measured_outcomes_follow_the_docstring_symptom() -> None:
    table = markdown_table(observed={"bom": "Measured: x."})
    (row,) = [line for line in table.splitlines() if line.startswith("| `bom`")]
    assert row.endswith("arrives). Measured: x. |")


def test_table_has_one_row_per_registered_fault() -> None:
    rows = [line for line in markdown_table().splitlines()[2:]]
    assert len(rows) == len(registry())
    for name in registry():
        assert any(row.startswith(f"| `{name}") for row in rows), name


def test_signature_shows_choices_and_bool_defaults() -> None:
    assert signature("close") == "close(after, mode=clean|abrupt|reset, inside_event=false)"
    assert signature("empty_reply") == "empty_reply"


def test_replace_block_keeps_the_text_around_the_markers() -> None:
    text = f"intro\n{START}\nold\n{END}\noutro\n"
    assert replace_block(text, "NEW") == f"intro\n{START}\nNEW\n{END}\noutro\n"
    with pytest.raises(ValueError, match="markers"):
        replace_block("no markers here", "NEW")
