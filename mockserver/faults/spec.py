"""Parse fault specs: `name`, `name(key=value, ...)`, several joined with `;`.

The same string works in the `X-Mock-Fault` header, `--fault`, scenario files and Python.
Values may be bare (`after=2`, `mode=reset`) or quoted (`message="a, b"`); each is converted
to the parameter's declared type by the fault itself, which names any bad value.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.errors import FaultSpecError

__all__ = ["split_specs", "parse_one"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside parentheses and quotes."""
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise FaultSpecError(f"unbalanced ')' in fault spec {text!r}")
        elif ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    if quote:
        raise FaultSpecError(f"unterminated quote in fault spec {text!r}")
    if depth:
        raise FaultSpecError(f"missing ')' in fault spec {text!r}")
    parts.append("".join(current))
    return parts


def split_specs(text: str) -> list[str]:
    """`"bom; close(after=2)"` -> `["bom", "close(after=2)"]` (empty parts dropped)."""
    return [p.strip() for p in _split_top(text, ";") if p.strip()]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_one(text: str) -> tuple[str, dict[str, Any]]:
    """`"close(after=2, mode=reset)"` -> `("close", {"after": "2", "mode": "reset"})`."""
    text = text.strip()
    if "(" in text:
        if not text.endswith(")"):
            raise FaultSpecError(f"fault spec {text!r} must end with ')'")
        name, inner = text[:-1].split("(", 1)
    else:
        name, inner = text, ""
    name = name.strip()
    if not _NAME.match(name):
        raise FaultSpecError(f"invalid fault name {name!r} in spec {text!r}")
    params: dict[str, Any] = {}
    for part in _split_top(inner, ","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise FaultSpecError(
                f"{name}: expected key=value, got {part!r} (write e.g. {name}(at=2))"
            )
        key, value = part.split("=", 1)
        key = key.strip()
        if not _NAME.match(key):
            raise FaultSpecError(f"{name}: invalid parameter name {key!r}")
        if key in params:
            raise FaultSpecError(f"{name}: parameter {key!r} given twice")
        params[key] = _unquote(value.strip())
    return name, params
