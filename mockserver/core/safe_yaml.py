"""YAML with a budget: billion-laughs bombs, deep nesting and huge documents are refused
before anything is expanded.

`yaml.safe_load` builds only plain data, but an alias chain of nine anchors, each listing the
previous one nine times, is about 900 bytes of text and 9**9 nodes once anything walks it
(`json.dumps` of a tool call's `arguments`, a validator, the journal): the server froze at 7 GB.
PyYAML composes aliases as shared nodes, so the text itself parses fast; the cost comes later.
`BudgetLoader` (a `SafeLoader` subclass) counts, while it composes:

    max_bytes     the document's size in UTF-8 bytes (checked before parsing)
    max_depth     how deep sequences and mappings nest (checked on the way down, so the
                  composer's own recursion never gets near Python's limit)
    max_aliases   how many aliases (`*name`) the document uses
    max_nodes     how many nodes the document would have with every alias expanded: a
                  running total, +1 per node as it starts and, per alias, the expanded size
                  of the node it names (1 + its children's); a bomb is caught at the first
                  alias past the budget, a wide list at its first item past it, and
                  nothing is ever copied

An alias to a node still being composed (a recursive structure) is refused too, as is a
string holding a lone UTF-16 surrogate (`"\\ud800"`, which no JSON encoder can send).
Failures raise `YamlBudgetError`, naming the limit and where in the text it was passed.
`load` uses libyaml's parser under the same composer when PyYAML has it (`CBudgetLoader`),
else `BudgetLoader`; both keep the same budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

__all__ = [
    "YamlBudget", "YamlBudgetError", "BudgetLoader", "CBudgetLoader", "load", "DEFAULT_BUDGET",
]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class YamlBudget:
    """The limits one YAML document must stay within (documented in README "Limits")."""

    max_bytes: int = 4 * 1024 * 1024
    max_depth: int = 64
    max_aliases: int = 128
    max_nodes: int = 200_000


DEFAULT_BUDGET = YamlBudget()


class YamlBudgetError(ValueError):
    """A document passed one of its budget's limits (`limit` names it) or is unsafe."""

    def __init__(self, message: str, *, limit: str, mark: Any = None) -> None:
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        super().__init__(f"{message}{where}")
        self.limit = limit


class _BudgetComposer(Composer):
    """PyYAML's composer, counting depth, aliases and expanded nodes against a budget."""

    budget: YamlBudget = DEFAULT_BUDGET

    if TYPE_CHECKING:  # provided by the parser the composer is mixed with
        def check_event(self, *choices: Any) -> bool: ...
        def peek_event(self) -> Any: ...

    def _start_budget(self, budget: YamlBudget) -> None:
        self.budget = budget
        self._depth = 0
        self._aliases = 0
        self._sizes: dict[int, int] = {}  # id(node) -> its size with aliases expanded
        self._total = 0  # the document's nodes so far, every alias counted expanded

    def _count(self, nodes: int, mark: Any) -> None:
        """Add to the running total and stop as soon as it passes the budget: a wide
        sequence is refused at its 20,001st item, not once all of it is composed."""
        self._total += nodes
        if self._total > self.budget.max_nodes:
            raise YamlBudgetError(f"more than {self.budget.max_nodes} nodes once its aliases "
                                  "are expanded", limit="max_nodes", mark=mark)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        budget = self.budget
        if self.check_event(AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > budget.max_aliases:
                raise YamlBudgetError(f"more than {budget.max_aliases} aliases",
                                      limit="max_aliases", mark=event.start_mark)
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._sizes:
                raise YamlBudgetError(f"alias *{event.anchor} refers to a node that contains "
                                      "it (a recursive structure)", limit="recursive_alias",
                                      mark=event.start_mark)
            if target is not None:  # an undefined alias is PyYAML's own error, just below
                self._count(self._sizes[id(target)], event.start_mark)
            return super().compose_node(parent, index)
        if self._depth >= budget.max_depth:
            raise YamlBudgetError(f"nested deeper than {budget.max_depth} levels",
                                  limit="max_depth", mark=self.peek_event().start_mark)
        self._count(1, self.peek_event().start_mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:  # pragma: no cover - PyYAML always composes a node here
            return None
        sizes = self._sizes
        if isinstance(node, ScalarNode):
            if not node.value.isascii() and _LONE_SURROGATE.search(node.value):
                raise YamlBudgetError("a string holds a lone UTF-16 surrogate",
                                      limit="lone_surrogate", mark=node.start_mark)
            size = 1
        elif isinstance(node, SequenceNode):
            size = 1 + sum([sizes[id(child)] for child in node.value])
        else:
            size = 1 + sum([sizes[id(k)] + sizes[id(v)] for k, v in node.value])
        sizes[id(node)] = size  # what an alias to this node will cost
        return node


class BudgetLoader(_BudgetComposer, yaml.SafeLoader):
    """`yaml.SafeLoader` that composes within a `YamlBudget` (see the module docstring); its
    scanner also stops at the budget's depth of `[`/`{` (PyYAML's scanner looks ahead over
    every open flow collection, so a million `[` would otherwise cost it minutes)."""

    def __init__(self, stream: str, budget: YamlBudget = DEFAULT_BUDGET) -> None:
        super().__init__(stream)
        self._start_budget(budget)

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 - PyYAML's
        if self.flow_level >= self.budget.max_depth:
            raise YamlBudgetError(f"nested deeper than {self.budget.max_depth} levels",
                                  limit="max_depth", mark=self.get_mark())
        super().fetch_flow_collection_start(TokenClass)


def _c_loader() -> type[Any] | None:
    """The same composer over libyaml's parser (about 5x faster), when PyYAML has it: the
    events come from C, the composing and its budget stay the Python code above."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        return None

    class CBudgetLoader(_BudgetComposer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream: str, budget: YamlBudget = DEFAULT_BUDGET) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._start_budget(budget)

    return CBudgetLoader


CBudgetLoader = _c_loader()


def load(text: str, budget: YamlBudget = DEFAULT_BUDGET) -> Any:
    """One YAML document as plain data (`safe_load`), within `budget`; raises
    `YamlBudgetError` past a limit and `yaml.YAMLError` for text that is not YAML."""
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    if size > budget.max_bytes:
        raise YamlBudgetError(f"the document is {size} bytes, more than {budget.max_bytes}",
                              limit="max_bytes")
    loader = (CBudgetLoader or BudgetLoader)(text, budget)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:  # libyaml's own nesting limit (1000) is passed first
        if "maximum nesting depth" in str(exc):
            raise YamlBudgetError(f"nested deeper than {budget.max_depth} levels",
                                  limit="max_depth") from None
        raise
    finally:
        loader.dispose()
