"""Load scenarios from YAML or JSON files, or from every such file in a directory.

Reading files is the CLI's business (`serve --scenarios`, `play`, `scenarios`); the text of
each file is parsed by the pure `core.scenario.parse_document` (YAML with `safe_load`).
Every error names the file and the field path.
"""

from __future__ import annotations

from pathlib import Path

from mockserver.core.scenario import Scenario, parse_document
from mockserver.errors import ScenarioError

__all__ = ["load_scenarios"]

_SUFFIXES = (".yaml", ".yml", ".json")


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
