"""The README fault table, generated from the registry (a test keeps README.md in sync).

    python -m mockserver.cli.table                  print the table
    python -m mockserver.cli.table --write FILE     replace the block between the markers

The block sits between `<!-- faults:start -->` and `<!-- faults:end -->`; one row per fault,
ordered by layer (sse, payload, http, tcp, ws, cors) then name: the spec with its parameters,
the layer and the framings it acts on, and the client symptom (the first paragraph of the
fault's docstring).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mockserver.faults import LAYERS, framings_label, registry
from mockserver.faults.base import param_info

__all__ = ["markdown_table", "signature", "replace_block", "START", "END", "main"]

START = "<!-- faults:start -->"
END = "<!-- faults:end -->"


def _param(info: dict[str, Any]) -> str:
    if info["type"] == "choice":
        return f"{info['name']}={'|'.join(map(str, info['choices']))}"
    if info["type"] == "bool" and "default" in info:
        return f"{info['name']}={str(info['default']).lower()}"
    return str(info["name"])


def signature(name: str) -> str:
    """`close(after, mode=clean|abrupt|reset, inside_event=false)`; bare name without params."""
    params = [_param(p) for p in param_info(registry()[name])]
    return f"{name}({', '.join(params)})" if params else name


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def markdown_table(observed: Mapping[str, str] | None = None) -> str:
    """The fault table as Markdown (no trailing newline); `observed` appends measured client
    outcomes per fault name to the symptom (README: `python -m tools.outcomes render`)."""
    order = {layer: i for i, layer in enumerate(LAYERS)}
    faults = sorted(registry().items(), key=lambda kv: (order.get(kv[1].layer, 99), kv[0]))
    lines = ["| fault | layer: framings | what the client observes |", "|---|---|---|"]
    for name, cls in faults:
        symptom = cls.symptom()
        if observed and name in observed:
            symptom = f"{symptom} {observed[name]}"
        where = f"{cls.layer}: {framings_label(cls)}"
        lines.append(f"| `{_cell(signature(name))}` | {where} | {_cell(symptom)} |")
    return "\n".join(lines)


def replace_block(text: str, table: str) -> str:
    """`text` with the block between the markers replaced by `table`."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README needs the markers {START} and {END} (in that order)")
    return f"{text[: start + len(START)]}\n{table}\n{text[end:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mockserver.cli.table",
                                     description="Print or write the README fault table.")
    parser.add_argument("--write", metavar="FILE", help="replace the marked block in FILE")
    args = parser.parse_args(argv)
    table = markdown_table()
    if not args.write:
        print(table)
        return 0
    path = Path(args.write)
    updated = replace_block(path.read_text("utf-8"), table)
    path.write_text(updated, "utf-8")
    print(f"wrote {len(registry())} faults to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
