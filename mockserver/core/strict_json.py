"""Strict JSON in, always-serializable JSON out: the two ends of hostile input.

    loads(data)      request bodies, admin bodies and WebSocket messages, parsed the way the
                     real API parses them: UTF-8 only; no `NaN`, `Infinity`, `-Infinity`; no
                     number that overflows to infinity (`1e999`); no lone UTF-16 surrogate
                     (`"\\ud800"`); nesting at most `MAX_DEPTH` (256) levels. Anything else
                     raises `StrictJSONError(reason)`, a ValueError, never RecursionError.
    json_safe(v)     any value the journal holds, made strict-JSON-safe: lone surrogates and
                     bytes shown backslash-escaped, non-finite floats as strings, unknown
                     objects as their repr. `GET /_mock/journal` can always answer.

Why the depth is checked before `json.loads`: the C scanner recurses once per level and
raises RecursionError near 1,000 levels, after allocating all the way down. The check here
is iterative: a body with at most `MAX_DEPTH` opening brackets in all (nearly every body)
passes after two `str.count` calls; any other has its strings blanked out by one linear regex
pass and its runs of brackets summed until the depth passes the limit.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_DEPTH", "StrictJSONError", "loads", "too_deep", "json_safe"]

#: the deepest nesting a request body, admin body or WebSocket message may have
MAX_DEPTH = 256

#: a JSON string, or an unterminated one up to the end: every match attempt succeeds, so the
#: scan stays linear whatever the text (JSON itself stops at the first invalid byte, so the
#: brackets counted before that point are exactly the ones `json.loads` would descend into)
_STRING = re.compile(r'"[^"\\]*(?:\\.?[^"\\]*)*(?:"|\Z)', re.DOTALL)
_BRACKET_RUNS = re.compile(r"[\[{]+|[\]}]+")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class StrictJSONError(ValueError):
    """The data is not strict JSON; `reason` says why in a few words (for logs and errors)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether the arrays and objects of JSON `text` nest deeper than `limit`. Iterative and
    linear: a body with at most `limit` brackets is done after two `str.count` calls."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for run in _BRACKET_RUNS.findall(_STRING.sub('""', text)):
        if run[0] in "[{":
            depth += len(run)
            if depth > limit:
                return True
        else:
            depth -= len(run)
    return False


def _no_constant(name: str) -> Any:
    raise StrictJSONError(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise StrictJSONError(f"the number {text[:40]} is out of range")
    return value


def loads(data: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse strict JSON or raise `StrictJSONError` naming what is wrong."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StrictJSONError(f"not valid UTF-8 (byte {exc.start})") from None
    else:
        text = data
        if _LONE_SURROGATE.search(text):
            raise StrictJSONError("a lone UTF-16 surrogate in the text")
    if too_deep(text, max_depth):
        raise StrictJSONError(f"nested deeper than {max_depth} levels")
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except StrictJSONError:
        raise
    except RecursionError:  # not reached after the depth check; kept as a last guard
        raise StrictJSONError(f"nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise StrictJSONError(f"not valid JSON: {str(exc)[:120]}") from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise StrictJSONError("a lone UTF-16 surrogate (\\ud800-\\udfff) in a string")
    return value


def _has_lone_surrogate(value: Any) -> bool:
    """Whether a parsed value holds a lone surrogate (paired escapes were joined by json)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _safe_str(text: str) -> str:
    if text.isascii() or not _LONE_SURROGATE.search(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def json_safe(value: Any, *, depth: int = MAX_DEPTH + 8) -> Any:
    """`value` as strict-JSON-safe data (see the module docstring); deeper than `depth`
    becomes the string "...". Clean data comes back equal."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return _safe_str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "backslashreplace")
    if depth <= 0:
        return "..."
    if isinstance(value, Mapping):
        return {_safe_str(k) if isinstance(k, str) else str(json_safe(k, depth=1)):
                json_safe(v, depth=depth - 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v, depth=depth - 1) for v in value]
    return _safe_str(repr(value))
