"""The fault registry: every module in this package defines one fault, found by discovery.

`registry()` maps names to classes; `parse_faults()` turns any accepted form (spec string,
mapping `{name: ..., **params}`, Fault instance, or a list of these) into validated faults;
`catalog()` describes them for `mockserver faults`, `GET /_mock/catalog` and the README table.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from mockserver.core.draft import Draft
from mockserver.errors import FaultSpecError
from mockserver.faults.base import HTTP_FRAMINGS, STREAM_FRAMINGS, Fault, FaultContext, param_info
from mockserver.faults.spec import parse_one, split_specs

__all__ = [
    "Fault", "FaultContext", "Draft", "registry", "parse_faults", "make_fault", "catalog",
    "LAYERS", "framings_label",
]

LAYERS = ("sse", "payload", "http", "tcp", "ws", "cors", "eventstream")
_NOT_FAULTS = {"base", "spec"}


@lru_cache(maxsize=1)
def registry() -> dict[str, type[Fault]]:
    """All faults by registry name, discovered from the modules of this package."""
    found: dict[str, type[Fault]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_FAULTS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Fault)
                and value is not Fault
                and value.name
                and value.__module__ == module.__name__
            ):
                if value.name in found and found[value.name] is not value:
                    raise RuntimeError(f"fault name {value.name!r} defined twice")
                found[value.name] = value
    return dict(sorted(found.items()))


def make_fault(name: str, params: Mapping[str, Any]) -> Fault:
    """Create one fault by name, validating its parameters."""
    classes = registry()
    cls = classes.get(name)
    if cls is None:
        close = [n for n in classes if n.startswith(name[:3])]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise FaultSpecError(f"unknown fault {name!r}{hint} (see `mockserver faults`)")
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in params:
        if key not in fields:
            allowed = ", ".join(sorted(fields)) or "none"
            raise FaultSpecError(f"{name}: unknown parameter {key!r} (parameters: {allowed})")
    required = [
        f.name for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [key for key in required if key not in params]
    if missing:
        example = f" (e.g. {cls.example})" if cls.example else ""
        raise FaultSpecError(f"{name}: missing parameter {', '.join(missing)}{example}")
    return cls(**params)


def parse_faults(spec: Any) -> tuple[Fault, ...]:
    """Accept a spec string (`"bom; close(after=2)"`), a mapping, a Fault, or a list of them."""
    if spec is None:
        return ()
    if isinstance(spec, Fault):
        return (spec,)
    if isinstance(spec, str):
        return tuple(make_fault(*parse_one(part)) for part in split_specs(spec))
    if isinstance(spec, Mapping):
        params = dict(spec)
        name = params.pop("name", None)
        if not isinstance(name, str):
            raise FaultSpecError(f"a fault mapping needs a 'name' string, got {spec!r}")
        return (make_fault(name, params),)
    if isinstance(spec, Sequence):
        out: list[Fault] = []
        for item in spec:
            out.extend(parse_faults(item))
        return tuple(out)
    raise FaultSpecError(f"cannot read a fault spec from {type(spec).__name__} {spec!r}")


def catalog() -> list[dict[str, Any]]:
    """One entry per fault: name, layer, the framings it acts on, params, symptom."""
    return [
        {"name": name, "layer": cls.layer, "framings": sorted(cls.applies_to()),
         "params": param_info(cls), "symptom": cls.symptom()}
        for name, cls in registry().items()
    ]


def framings_label(cls: type[Fault]) -> str:
    """The framings a fault acts on, in a few words: `sse`, `any stream`, `any HTTP`, ..."""
    framings = cls.applies_to()
    if framings == HTTP_FRAMINGS:
        return "any HTTP"
    if framings == STREAM_FRAMINGS:
        return "any stream"
    return ", ".join(sorted(framings))
