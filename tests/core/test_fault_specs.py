"""Bad fault specs fail at creation with a FaultSpecError that says what to fix (SPEC 3, 4).

Covers the spec-string grammar (`name(key=value, ...)` joined with `;`), unknown names and
parameters, and the validation of every sse and payload fault's parameters.
"""

from __future__ import annotations

import pytest

from mockserver.errors import FaultSpecError
from mockserver.faults import LAYERS, Fault, make_fault, parse_faults, registry


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("split(mode=every_byte", "missing ')'"),
        ("split(mode=every_byte))", "unbalanced ')'"),
        ("split(mode=every_byte) x", "must end with ')'"),
        ("split(every_byte)", "expected key=value"),
        ("split(mode=bytes, mode=every_byte)", "given twice"),
        ('error_event(at=2, shape="openai)', "unterminated quote"),
        ("2bom", "invalid fault name"),
        ("bom(1x=2)", "invalid parameter name"),
        ("nonsense", "unknown fault 'nonsense'"),
        ("splitt(mode=bytes)", "did you mean split"),
    ],
)
def test_malformed_spec_string_raises_clear_error(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_faults(spec)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("malformed_json", "malformed_json: missing parameter at (e.g. malformed_json(at=2))"),
        ("malformed_json(at=0)", "malformed_json: parameter 'at' must be >= 1; got 0"),
        ("malformed_json(at=two)", "malformed_json: parameter 'at' must be an integer; got 'two'"),
        ("malformed_json(at=1.5)", "parameter 'at' must be an integer"),
        (
            "malformed_json(at=2, kind=broken)",
            "malformed_json: parameter 'kind' must be one of truncated, garbage, double_encoded; "
            "got 'broken'",
        ),
        ("done_variant(form=nospace)", "'form' must be one of no_space, extra_space, held_open"),
        ("done_variant(form=held_open, seconds=-1)", "'seconds' must be >= 0"),
        ("error_event(at=1, shape=anthropic)", "'shape' must be one of openai, event_error"),
        ("keepalive", "keepalive: missing parameter every_ms"),
        ("keepalive(every_ms=0)", "'every_ms' must be >= 0.1"),
        ("keepalive(every_ms=5, form=ping)", "'form' must be one of comment, empty_data"),
        ("field_noise(at=1, field=data)", "'field' must be one of id, retry, event"),
        ("line_endings(style=lf)", "'style' must be one of crlf, cr, mixed"),
        ("invalid_utf8(at=-3)", "'at' must be >= 1"),
        ("unicode_separators", "unicode_separators: missing parameter at"),
        ("split(mode=chunks)", "'mode' must be one of every_byte, bytes, inside_data"),
        ("split(mode=bytes, size=0)", "'size' must be >= 1"),
        ("split(gap_ms=fast)", "'gap_ms' must be a number"),
        ("coalesce(events=1)", "'events' must be >= 2"),
        ("duplicate_chunk(at=0)", "'at' must be >= 1"),
        ("tool_call_fragments(pieces=0)", "'pieces' must be >= 1"),
        ("usage_chunk(placement=last)", "'placement' must be one of first, before_finish"),
        ("usage_chunk", "usage_chunk: missing parameter placement"),
        ("empty_choices(at=0)", "'at' must be >= 1"),
        ("null_content(at=x)", "'at' must be an integer"),
        ("bom(at=1)", "bom: unknown parameter 'at' (parameters: none)"),
        ("role_every_chunk(x=1)", "role_every_chunk: unknown parameter 'x'"),
        ("split(sise=3)", "split: unknown parameter 'sise' (parameters: gap_ms, mode, size)"),
    ],
)
def test_bad_parameter_names_parameter_and_allowed_values(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError) as info:
        parse_faults(spec)
    assert message in str(info.value)


def test_choice_values_are_case_insensitive() -> None:
    (fault,) = parse_faults("line_endings(style=CRLF)")
    assert fault.spec() == "line_endings"  # crlf is the default


def test_mapping_and_python_forms_validate_like_strings() -> None:
    with pytest.raises(FaultSpecError, match="'kind' must be one of"):
        parse_faults({"name": "malformed_json", "at": 3, "kind": "bad"})
    with pytest.raises(FaultSpecError, match="'at' must be >= 1"):
        make_fault("duplicate_chunk", {"at": 0})
    with pytest.raises(FaultSpecError, match="needs a 'name' string"):
        parse_faults({"at": 3})
    with pytest.raises(FaultSpecError, match="cannot read a fault spec"):
        parse_faults(42)
    cls = registry()["split"]
    with pytest.raises(FaultSpecError, match="'size' must be >= 1"):
        cls(mode="bytes", size=0)  # type: ignore[call-arg]


def test_several_faults_joined_with_semicolons() -> None:
    faults = parse_faults("bom; split(mode=bytes, size=3) ;; malformed_json(at=2, kind=garbage)")
    assert [f.spec() for f in faults] == [
        "bom", "split(mode=bytes, size=3)", "malformed_json(at=2, kind=garbage)",
    ]


@pytest.mark.parametrize("name", sorted(registry()))
def test_canonical_spec_round_trips(name: str) -> None:
    cls = registry()[name]
    (fault,) = parse_faults(cls.example or cls.name)
    (again,) = parse_faults(fault.spec())
    assert again == fault


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_fault_docstring_opens_with_the_client_symptom(name: str) -> None:
    cls: type[Fault] = registry()[name]
    assert cls.layer in LAYERS
    assert len(cls.symptom()) > 40


def test_every_chaos_pool_spec_parses_and_suits_the_route():
    from mockserver.core.request import RequestView
    from mockserver.transport.chaos import PLAIN_POOL, STREAM_POOL, pool_for

    for spec in STREAM_POOL + PLAIN_POOL:
        assert parse_faults(spec), spec
    responses = pool_for(RequestView(api="responses", path="/v1/responses", stream=True))
    assert "missing_done" not in responses and "bom" in responses
    chat = RequestView(api="chat", path="/v1/chat/completions", stream=True)
    assert "missing_done" in pool_for(chat)
    assert pool_for(RequestView(api="chat", path="/v1/chat/completions")) == PLAIN_POOL
