"""The Hypothesis strategies draw only valid values, validate their arguments, and shrink to
the boring case their docstrings promise (Hypothesis ``guides/api-style.rst``)."""

from __future__ import annotations

import json

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from mockserver.fixtures import strategies
from mockserver.fixtures.strategies import (
    sse_bytes,
    sse_events,
    sse_streams,
    wire_splits,
    ws_messages,
)

from mockserver.sse import ServerSentEvent, decode_all

__all__: list[str] = []


@settings(max_examples=100, deadline=None)
@given(sse_events())
def test_sse_events_are_dispatchable_values(event: ServerSentEvent) -> None:
    assert "\r" not in event.data and event.event and "\n" not in event.event
    assert "\x00" not in event.id and "\n" not in event.id
    assert event.retry is None or event.retry >= 0


@settings(max_examples=100, deadline=None)
@given(sse_streams())
def test_sse_streams_decode_to_the_events_they_were_built_from(stream) -> None:  # type: ignore[no-untyped-def]
    assert tuple(decode_all([stream.body])) == stream.events


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=64), st.data())
def test_wire_splits_are_nonempty_reads_that_join_back(data: bytes, draw: st.DataObject) -> None:
    chunks = draw.draw(wire_splits(data))
    assert b"".join(chunks) == data
    assert all(chunks) or chunks == [b""]


def test_sse_events_shrink_to_one_ascii_data_only_event() -> None:
    assert find(sse_events(), lambda e: True) == ServerSentEvent(data="")
    assert find(sse_events(), lambda e: e.data != "").data == "0"


def test_sse_bytes_shrink_to_lf_only_without_bom_or_comments() -> None:
    assert find(sse_bytes(), lambda b: True) == b"data: \n\n"
    assert find(sse_bytes(), lambda b: len(decode_all([b])) == 2) == b"data: \n\ndata: \n\n"


def test_sse_bytes_honour_fixed_bom_and_line_endings() -> None:
    body = find(sse_bytes(bom=True, line_endings="cr", comments=False), lambda b: True)
    assert body == b"\xef\xbb\xbfdata: \r\r"


def test_wire_splits_shrink_to_one_read_and_reach_hard_cut_points() -> None:
    data = "data: é\r\n\r\n".encode()
    assert find(wire_splits(data), lambda c: True) == [data]
    assert find(wire_splits(data), lambda c: len(c) == 2 and c[0].endswith(b"\r")) in (
        [b"data: \xc3\xa9\r", b"\n\r\n"],
        [b"data: \xc3\xa9\r\n\r", b"\n"],
    )
    assert find(wire_splits(data), lambda c: len(c) == 2 and c[0].endswith(b"\xc3")) == [
        b"data: \xc3",
        b"\xa9\r\n\r\n",
    ]
    assert find(wire_splits(data), lambda c: len(c) == len(data)) == [bytes([b]) for b in data]


@settings(max_examples=50, deadline=None)
@given(ws_messages())
def test_ws_messages_are_chat_protocol_json(message: str) -> None:
    assert json.loads(message)["type"] in {"chunk", "done", "error"}


def test_ws_messages_shrink_to_done_then_an_empty_chunk_or_empty_text() -> None:
    assert find(ws_messages(), lambda m: True) == '{"type":"done"}'
    assert find(ws_messages(), lambda m: "chunk" in m) == '{"type":"chunk","content":""}'
    assert find(ws_messages(protocol="raw"), lambda m: True) == ""


@pytest.mark.parametrize(
    "build",
    [
        lambda: sse_events(ids="yes"),
        lambda: sse_bytes(line_endings="windows"),
        lambda: sse_bytes(min_events=3, max_events=2),
        lambda: sse_bytes(bom=1),
        lambda: wire_splits("data: x\n\n"),
        lambda: ws_messages(protocol="binary"),
    ],
)
def test_strategies_reject_bad_arguments_when_built(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument):
        build()


def test_scripts_and_fault_plans_shrink_to_the_boring_case() -> None:
    from mockserver.fixtures.strategies import chat_streams, fault_plans, from_script, scripts

    assert find(scripts(), lambda r: True).chunks == ("0",)
    assert find(fault_plans(), lambda p: True) == ()
    assert len(find(fault_plans(), lambda p: len(p) > 0)) == 1
    boring = find(chat_streams(), lambda s: True)
    assert (boring.seed, boring.faults, boring.responses[0].chunks) == (0, (), ("0",))
    around = find(from_script("Hello there"), lambda s: True)
    assert (around.responses[0].text, around.faults) == ("Hello there", ())


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_fault_plans_are_valid_registry_faults_that_round_trip_as_specs(data) -> None:  # type: ignore[no-untyped-def]
    from mockserver.fixtures.strategies import HTTP_LAYERS, fault_plans

    from mockserver.faults import parse_faults

    plan = data.draw(fault_plans(max_seconds=0.2))
    assert all(type(f).layer in HTTP_LAYERS for f in plan)
    assert len({f.name for f in plan}) == len(plan)
    assert parse_faults("; ".join(f.spec() for f in plan)) == plan


@pytest.mark.parametrize(
    "build",
    [
        lambda: strategies.faults(names=["nope"]),
        lambda: strategies.fault_plans(layers=["dns"]),
        lambda: strategies.fault_plans(max_faults=-1),
        lambda: strategies.scripts(max_chunks=0),
        lambda: strategies.from_script({"nope": 1}),
    ],
)
def test_scenario_strategies_reject_bad_arguments_when_built(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument):
        build()
