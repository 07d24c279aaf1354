"""core/safe_yaml.py: YAML within a budget (aliases, nesting, size, expanded nodes), refused
before anything is expanded, on both loaders (pure PyYAML and libyaml's parser)."""

from __future__ import annotations

import pytest

from mockserver.core import safe_yaml
from mockserver.core.safe_yaml import BudgetLoader, YamlBudget, YamlBudgetError

LOADERS = [BudgetLoader] + ([safe_yaml.CBudgetLoader] if safe_yaml.CBudgetLoader else [])


def laughs(levels: int = 9, width: int = 9) -> str:
    """The billion laughs: each anchor lists the previous one `width` times."""
    lines = [f'l0: &l0 [{", ".join(["lol"] * width)}]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def load_with(loader: type, text: str, budget: YamlBudget = safe_yaml.DEFAULT_BUDGET) -> object:
    instance = loader(text, budget)
    try:
        return instance.get_single_data()
    finally:
        instance.dispose()


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(("text", "limit"), [
    (laughs(), "max_nodes"),
    ("a: &a [1, 2]\n" + "".join(f"k{i}: *a\n" for i in range(200)), "max_aliases"),
    ("a: &a [1, *a]\n", "recursive_alias"),
    ("[" * 65 + "]" * 65, "max_depth"),
    ("- " * 70 + "x\n", "max_depth"),
    ("\n".join("  " * i + f"k{i}:" for i in range(70)) + " x\n", "max_depth"),
    ("[" * 600, "max_depth"),
])
def test_budgets_refuse_bombs_naming_the_limit(loader: type, text: str, limit: str) -> None:
    with pytest.raises(YamlBudgetError) as info:
        load_with(loader, text)
    assert info.value.limit == limit


def test_a_deep_flow_bomb_is_refused_by_the_depth_budget() -> None:
    # a million `[`: PyYAML's scanner would look ahead over all of them (quadratic time)
    with pytest.raises(YamlBudgetError) as info:
        safe_yaml.load("[" * 1_000_000)
    assert info.value.limit == "max_depth"


def test_the_pure_loader_refuses_a_lone_surrogate_escape() -> None:
    with pytest.raises(YamlBudgetError) as info:
        load_with(BudgetLoader, 'x: "\\ud800"\n')
    assert info.value.limit == "lone_surrogate"


def test_an_oversized_document_is_refused_before_parsing() -> None:
    with pytest.raises(YamlBudgetError) as info:
        safe_yaml.load("x: " + "y" * 100, YamlBudget(max_bytes=50))
    assert info.value.limit == "max_bytes"
    assert "103 bytes, more than 50" in str(info.value)


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
def test_ordinary_documents_with_aliases_load_as_safe_load_would(loader: type) -> None:
    import yaml

    text = ("base: &base {text: hi, faults: [missing_done]}\n"
            "first: *base\nsecond: {<<: *base, text: there}\n"
            "deep: " + "[" * 60 + "1" + "]" * 60 + "\n")
    assert load_with(loader, text) == yaml.safe_load(text)
    assert load_with(loader, laughs(3, 9)) == yaml.safe_load(laughs(3, 9))  # 819 nodes


def test_the_budget_counts_expanded_nodes_not_text() -> None:
    small = YamlBudget(max_nodes=100)
    with pytest.raises(YamlBudgetError):
        safe_yaml.load(laughs(3, 5), small)  # 1 + 5 * (1 + 5 * 6) = 156 nodes in l2
    safe_yaml.load(laughs(2, 5), small)


def test_a_wide_list_is_refused_at_its_first_item_past_the_budget() -> None:
    doc = "- [" + ", ".join(["x"] * 50_000) + "]"
    with pytest.raises(YamlBudgetError) as info:
        safe_yaml.load(doc, YamlBudget(max_nodes=1000))
    assert info.value.limit == "max_nodes"
    assert "column 2998)" in str(info.value)  # the 999th item: 1000 nodes with the lists
