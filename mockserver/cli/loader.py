"""Load scenarios from YAML or JSON files, or from every such file in a directory.

YAML is read with `safe_load`; every error names the file and the field path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mockserver.core.scenario import Scenario
from mockserver.errors import ScenarioError

__all__ = ["load_scenarios", "parse_document"]

_SUFFIXES = (".yaml", ".yml", ".json")


def parse_document(text: str, where: str) -> list[Scenario]:
    """Scenarios from one document: a single scenario mapping or a list of them."""
    try:
        doc: Any = json.loads(text) if where.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ScenarioError(f"not valid {'JSON' if where.endswith('.json') else 'YAML'}: {exc}",
                            where=where) from None
    if doc is None:
        return []
    if isinstance(doc, dict) and "scenarios" in doc and isinstance(doc["scenarios"], list):
        doc = doc["scenarios"]
    items = doc if isinstance(doc, list) else [doc]
    out = []
    for i, item in enumerate(items):
        try:
            out.append(Scenario.from_dict(item, where=where))
        except ScenarioError as exc:
            path = f"[{i}].{exc.path}" if isinstance(doc, list) else exc.path
            raise ScenarioError(exc.detail, where=where, path=path) from None
    return out


def load_scenarios(path: str | Path) -> list[Scenario]:
    """All scenarios in a file, or in the YAML/JSON files of a directory (sorted by name)."""
    target = Path(path)
    if target.is_dir():
        files = sorted(p for p in target.iterdir() if p.suffix in _SUFFIXES)
        if not files:
            raise ScenarioError(f"no {', '.join(_SUFFIXES)} files in this directory",
                                where=str(path))
    elif target.exists():
        files = [target]
    else:
        raise ScenarioError("no such file or directory", where=str(path))
    out: list[Scenario] = []
    seen: dict[str, str] = {}
    for file in files:
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"cannot read the file: {exc}", where=str(file)) from None
        found = parse_document(text, str(file))
        for i, scenario in enumerate(found):
            if scenario.name is not None and scenario.name in seen:
                raise ScenarioError(
                    f"scenario name {scenario.name!r} is already defined in {seen[scenario.name]}",
                    where=str(file), path="name" if len(found) == 1 else f"[{i}].name",
                )
            if scenario.name is not None:
                seen[scenario.name] = str(file)
            out.append(scenario)
    return out
