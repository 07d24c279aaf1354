"""core/strict_json.py: strict parsing (the real API's rules) and journal-safe output, pure."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.strict_json import MAX_DEPTH, StrictJSONError, json_safe, loads, too_deep


@pytest.mark.parametrize(("data", "reason"), [
    (b'{"t": NaN}', "NaN is not valid JSON"),
    (b"[Infinity]", "Infinity is not valid JSON"),
    (b"[-Infinity]", "-Infinity is not valid JSON"),
    (b"[1e999]", "the number 1e999 is out of range"),
    (b"[-1.5E+400]", "out of range"),
    (b'["\\ud800"]', "lone UTF-16 surrogate"),
    (b'["\\udfff x"]', "lone UTF-16 surrogate"),
    (b'["\\ude00\\ud83d"]', "lone UTF-16 surrogate"),  # a pair in the wrong order
    ('["\ud800"]', "lone UTF-16 surrogate"),  # already text
    (b'["\xed\xa0\x80"]', "not valid UTF-8"),  # a surrogate encoded as UTF-8
    (b'["\xff"]', "not valid UTF-8"),
    (b"[" * 257 + b"]" * 257, "nested deeper than 256 levels"),
    (b'{"a":' * 300 + b"1" + b"}" * 300, "nested deeper than 256 levels"),
    (b"[" * 1_000_000, "nested deeper than 256 levels"),
    (b"{not json", "not valid JSON"),
    (b"1" * 5000, "not valid JSON"),  # past Python's digit limit for int()
])
def test_non_strict_json_is_refused_with_its_reason(data: bytes | str, reason: str) -> None:
    with pytest.raises(StrictJSONError) as info:
        loads(data)
    assert reason in info.value.reason
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("data", "value"), [
    (b"[" * 256 + b"]" * 256, None),
    (b'["\\ud83d\\ude00"]', ["\U0001f600"]),
    (b'["\\\\ud800"]', ["\\ud800"]),  # an escaped backslash, then plain text
    (b'["[[[[' + b"[" * 300 + b'"]', ["[[[[" + "[" * 300]),  # brackets in a string
    (b'{"a": 1.5e308, "b": -0.0, "c": 12345678901234567890}', None),
])
def test_strict_json_is_accepted(data: bytes, value: object) -> None:
    parsed = loads(data)
    if value is not None:
        assert parsed == value


def test_depth_is_counted_without_recursion_and_linearly() -> None:
    assert not too_deep("[]" * 10_000)  # many brackets, shallow
    assert too_deep("[" * (MAX_DEPTH + 1))
    assert not too_deep('"' + "[" * 10_000 + '"')
    # an escaped quote outside a string cannot make the scan quadratic or miss brackets
    assert not too_deep('\\"' * 200_000)
    assert too_deep("[" * 300 + '\\"' * 100)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text()
                    | st.floats(allow_nan=False, allow_infinity=False),
                    lambda kids: st.lists(kids, max_size=3)
                    | st.dictionaries(st.text(max_size=5), kids, max_size=3), max_leaves=20))
def test_strict_json_round_trips_what_json_dumps_writes(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # hypothesis text may hold lone surrogates: refused
        with pytest.raises(StrictJSONError):
            loads(text)
        return
    assert loads(text.encode()) == value
    assert loads(json.dumps(value)) == value  # ASCII escapes of the same text


def test_json_safe_makes_anything_strict_json() -> None:
    value = {"s": "a\ud800b", "b": b"\xff\x00ok", "f": [math.nan, math.inf, -math.inf, 1.5],
             1: object(), "deep": [[[["x"]]]], ("t",): ("u", b"v")}
    safe = json_safe(value)
    text = json.dumps(safe, ensure_ascii=False, allow_nan=False)
    assert loads(text.encode("utf-8")) == safe
    assert safe["s"] == "a\\ud800b"
    assert safe["b"] == "\\xff\x00ok"
    assert safe["f"] == ["nan", "inf", "-inf", 1.5]
    assert json_safe({"clean": ["data", 1, None]}) == {"clean": ["data", 1, None]}
    assert json_safe([[["x"]]], depth=2) == [["..."]]
