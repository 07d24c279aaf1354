"""Small readers for documents (dicts from Python, YAML or JSON) that fail with the field path.

Every reader takes `where` (the file, or `<python>`) and `path` (like `response.chunks[2]`),
so an error says exactly which field of which file is wrong and what was expected.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Mapping, Sequence
from typing import Any

from mockserver.errors import ScenarioError

__all__ = ["Doc", "join"]


def join(path: str, key: str | int) -> str:
    """Extend a field path: `join("response", "text")` -> `response.text`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Doc:
    """A view of one mapping in a document, with typed getters that report the field path."""

    def __init__(self, data: Any, *, where: str, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise ScenarioError(
                f"expected a mapping, got {type(data).__name__}", where=where, path=path or "<root>"
            )
        self.data = data
        self.where = where
        self.path = path

    def error(self, key: str | int, message: str) -> ScenarioError:
        return ScenarioError(message, where=self.where, path=join(self.path, key))

    def check_keys(self, allowed: Sequence[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.error(
                    str(key), f"unknown field; expected one of {', '.join(sorted(allowed))}"
                )

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def str(self, key: builtins.str, default: builtins.str | None = None) -> builtins.str | None:
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.error(key, f"expected a string, got {type(value).__name__} {value!r}")
        return value

    def int(
        self,
        key: builtins.str,
        default: builtins.int | None = None,
        *,
        minimum: builtins.int | None = None,
    ) -> builtins.int | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected an integer, got {type(value).__name__} {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"expected an integer >= {minimum}, got {value}")
        return value

    def number(self, key: builtins.str, default: float = 0.0, *, minimum: float = 0.0) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"expected a number, got {type(value).__name__} {value!r}")
        if not math.isfinite(value) or abs(value) > 1e15:
            raise self.error(key, f"expected a finite number, got {value!r}")
        if value < minimum:
            raise self.error(key, f"expected a number >= {minimum}, got {value}")
        return float(value)

    def list(self, key: builtins.str) -> builtins.list[Any] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise self.error(key, f"expected a list, got {type(value).__name__}")
        return list(value)

    def sub(self, key: builtins.str | builtins.int, value: Any) -> Doc:
        return Doc(value, where=self.where, path=join(self.path, key))
