"""The layers import one way (docs/architecture.md), read from the AST of every module of
mockserver/, pytest_plugin/ and fixtures/ (imports inside functions count too).

    pytest_plugin ─► (lazily) transport ─► core pipeline (compile, scenario, ws sessions)
                                               ─► faults ─► formats ─► core data ─► sse, errors
    fixtures ─► core, faults          cli ─► everything

No module imports itself back through others (no circle); the core imports no I/O, no
server, no clock and no unseeded randomness.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: source folder -> the package it installs as (pyproject's package-dir mapping)
PACKAGES = {"mockserver": "mockserver", "fixtures": "mockserver.fixtures",
            "pytest_plugin": "mockserver.pytest_plugin"}

#: what the pure core and the faults never import: I/O, servers, threads, clocks
IMPURE = {"asyncio", "socket", "selectors", "ssl", "starlette", "uvicorn", "websockets",
          "httpx", "threading", "subprocess", "os", "io", "pathlib", "shutil", "tempfile",
          "time", "datetime", "logging", "signal", "sys", "http.client", "urllib"}

#: the core's data modules and the formats: what faults may read (plus errors and sse)
CORE_DATA = {"content", "cors", "draft", "events", "ids", "models", "plan", "request",
             "response", "validate", "ws.ops", "ws.protocol"}
#: the core modules above the faults (they hold or apply faults)
CORE_PIPELINE = {"mockserver.core.compile", "mockserver.core.live", "mockserver.core.scenario"}


@dataclass(frozen=True)
class Import:
    target: str  # dotted module name, resolved to a module of the project where it is one
    top_level: bool  # runs when the module is imported (not in a function, not TYPE_CHECKING)


def _module_name(path: Path) -> str:
    folder, *rest = path.relative_to(ROOT).with_suffix("").parts
    parts = [PACKAGES[folder], *rest]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for folder in PACKAGES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            found[_module_name(path)] = path
    return found


SOURCES = _sources()


def _resolve(base: str, name: str | None) -> str:
    """`from base import name`: the submodule when it is one, else `base`."""
    candidate = f"{base}.{name}" if name else base
    return candidate if candidate in SOURCES else base


def imports_of(module: str) -> list[Import]:
    path = SOURCES[module]
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[Import] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            typing_only = isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            inner = top and not typing_only and not isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            if isinstance(child, ast.Import):
                out.extend(Import(_resolve(a.name, None), top) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                out.extend(Import(_resolve(base, a.name), top) for a in child.names)
            visit(child, inner)

    visit(tree, True)
    return out


GRAPH = {module: imports_of(module) for module in SOURCES}


def _under(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _core_imports(prefix: str) -> Iterator[tuple[str, Import]]:
    for module, found in GRAPH.items():
        if _under(module, prefix):
            for imp in found:
                yield module, imp


def _circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    edges = {m: sorted({i.target for i in GRAPH[m] if i.target in SOURCES and i.target != m})
             for m in SOURCES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in SOURCES:
        if v not in index:
            connect(v)
    return found


def test_the_sources_are_found():
    assert {"mockserver.core.compile", "mockserver.faults.close", "mockserver.fixtures.library",
            "mockserver.pytest_plugin.plugin", "mockserver.core.formats.chat"} <= set(SOURCES)


def test_no_module_imports_itself_back_through_others():
    assert _circles() == []


def test_core_imports_no_io_server_clock_or_outer_layer():
    outer = ("mockserver.transport", "mockserver.cli", "mockserver.pytest_plugin",
             "mockserver.fixtures")
    bad = [(m, i.target) for m, i in _core_imports("mockserver.core")
           if i.target.split(".")[0] in IMPURE or i.target in IMPURE or _under(i.target, *outer)]
    assert bad == []


def test_only_the_core_pipeline_imports_the_faults():
    bad = [(m, i.target) for m, i in _core_imports("mockserver.core")
           if _under(i.target, "mockserver.faults") and m not in CORE_PIPELINE]
    assert bad == []


def test_faults_import_only_core_data_and_formats():
    allowed = {f"mockserver.core.{name}" for name in CORE_DATA}
    bad = []
    for module, imp in _core_imports("mockserver.faults"):
        target = imp.target
        if target.split(".")[0] in IMPURE:
            bad.append((module, target))
        elif _under(target, "mockserver") and not (
            target in allowed or _under(target, "mockserver.core.formats", "mockserver.faults",
                                        "mockserver.errors", "mockserver.sse")
        ):
            bad.append((module, target))
    assert bad == []


def test_fixtures_depend_only_on_the_core_and_the_faults():
    bad = [(m, i.target) for m, i in _core_imports("mockserver.fixtures")
           if _under(i.target, "mockserver.transport", "mockserver.cli",
                     "mockserver.pytest_plugin")]
    assert bad == []


def _loaded_on_import(module: str) -> set[str]:
    """The project modules importing `module` runs: its parent packages and, transitively,
    its module-level imports (not those inside functions or under TYPE_CHECKING)."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            step = ".".join(parts[:end])
            if step in SOURCES and step not in seen:
                seen.add(step)
                todo.extend(i.target for i in GRAPH[step] if i.top_level)
    return seen


def test_pytest_loading_the_plugin_imports_no_server_core_or_faults():
    loaded = _loaded_on_import("mockserver.pytest_plugin")
    assert loaded == {"mockserver", "mockserver._version", "mockserver.pytest_plugin",
                      "mockserver.pytest_plugin.plugin", "mockserver.pytest_plugin.options",
                      "mockserver.pytest_plugin.env"}


def test_plugin_reaches_the_server_only_from_inside_its_fixtures():
    server = [i for i in GRAPH["mockserver.pytest_plugin.plugin"]
              if _under(i.target, "mockserver.transport")]
    assert server and not any(i.top_level for i in server)


def _unseeded_draws(path: Path) -> list[int]:
    """Lines drawing from the global random state (`random.choice(...)`), or making a
    `random.Random` without a seed (`random.Random()`, `default_factory=random.Random`)."""
    lines = []
    tree = ast.parse(path.read_text("utf-8"))
    seeded = {id(node.func) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and (node.args or node.keywords)}
    hints = [n.annotation for n in ast.walk(tree) if isinstance(n, (ast.arg, ast.AnnAssign))]
    hints += [n.returns for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    in_hints = {id(node) for hint in hints if hint is not None for node in ast.walk(hint)}
    for node in ast.walk(tree):
        if id(node) in in_hints:
            continue
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "random" and isinstance(node.ctx, ast.Load)):
            if node.attr != "Random" or id(node) not in seeded:
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("folder", ["core", "faults"])
def test_all_randomness_in_the_core_and_faults_comes_from_the_seed(folder):
    bad = {str(p.relative_to(ROOT)): lines for p in sorted((ROOT / "mockserver" / folder)
                                                            .rglob("*.py"))
           if (lines := _unseeded_draws(p))}
    assert bad == {}


def test_the_core_opens_no_file():
    opened = [str(p.relative_to(ROOT)) for p in (ROOT / "mockserver" / "core").rglob("*.py")
              if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                     and n.func.id == "open" for n in ast.walk(ast.parse(p.read_text("utf-8"))))]
    assert opened == []
