"""The wire timeline as data (inspector/timeline.py): ops with planned and measured times,
bytes escaped and cut as in the transcript, each fault placed on the op where it acts."""

from __future__ import annotations

import json

import pytest

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.plan import LazyOps, Timing
from mockserver.core.response import Response
from mockserver.faults import parse_faults, registry
from mockserver.faults.base import param_info
from mockserver.transport.inspector.timeline import SHOWN_OPS, show_bytes, timeline

BODY = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}], "stream": True}


def plan_for(faults: str = "", text: str = "Hello there, world", timing: Timing | None = None):
    view = view_for("chat", "/v1/chat/completions", BODY, {})
    return compile_plan(view, response=Response(text=text), seed=3, timing=timing,
                        faults=parse_faults(faults) if faults else ())


def ops_by_index(data):
    return {op["i"]: op for op in data["ops"]}


def test_reset_cut_is_the_close_op_and_the_fault_is_placed_on_it():
    data = timeline(plan_for("close(after=2, mode=reset)"))
    kinds = [op["op"] for op in data["ops"]]
    assert kinds == ["start", "write", "write", "close"]
    assert data["ops"][-1]["mode"] == "reset"
    assert data["faults"] == [{"spec": "close(after=2, mode=reset)", "name": "close",
                               "op": 3, "where": "after event 2"}]
    assert data["measured"] is False and data["total"] == 4


def test_at_faults_point_at_the_write_that_completes_their_event():
    data = timeline(plan_for("malformed_json(at=3)"))
    placed = data["faults"][0]
    op = ops_by_index(data)[placed["op"]]
    assert op["op"] == "write" and op["events"] == 3
    assert "data: {" in op["bytes"] and placed["where"] == "at event 3"


def test_faults_without_a_position_act_on_the_head_the_first_pause_or_the_whole_stream():
    data = timeline(plan_for("status(code=429)"))
    assert ops_by_index(data)[data["faults"][0]["op"]]["op"] == "start"
    data = timeline(plan_for("slow_headers(ms=40)"))
    assert ops_by_index(data)[data["faults"][0]["op"]]["op"] == "sleep"
    data = timeline(plan_for("line_endings(style=crlf)"))
    assert data["faults"][0]["op"] is None
    assert data["faults"][0]["where"] == "throughout the stream"


@pytest.mark.parametrize("name", sorted(n for n, c in registry().items()
                                        if c.layer not in ("ws", "cors")))
def test_every_http_fault_gets_a_place_and_a_json_timeline(name):
    cls = registry()[name]
    spec = cls.example or (name if not any(p.get("required") for p in param_info(cls)) else None)
    if spec is None:
        spec = {"coalesce": "coalesce(events=2)", "split": "split(mode=inside_data)"}[name]
    data = timeline(plan_for(spec))
    json.dumps(data)  # plain data, whatever the bytes
    (placed,) = data["faults"]
    assert placed["name"] == name
    assert placed["op"] is None or placed["op"] in ops_by_index(data)


def test_planned_offsets_add_up_the_pauses_and_marks_give_measured_times():
    plan = plan_for(timing=Timing(first_token_ms=20, chunk_ms=5))
    planned = timeline(plan)
    writes = [op for op in planned["ops"] if op["op"] == "write"]
    assert [w["at"] for w in writes[:3]] == [20.0, 25.0, 30.0]
    assert planned["end"] == pytest.approx(20 + 5 * (len(writes) - 1))
    marks = [(0.0, 0), (0.0201, 1), (0.0255, 2)]
    measured = timeline(plan, marks)
    assert measured["measured"] is True
    assert [op["t"] for op in measured["ops"][:3]] == [0.0, 20.1, 25.5]
    assert all(op["t"] is None for op in measured["ops"][3:])  # never played
    assert measured["end"] == 25.5


def test_long_plans_show_their_first_ops_and_their_last():
    text = " ".join(["word"] * (SHOWN_OPS + 50))
    lazy = plan_for(text=text)
    assert isinstance(lazy.ops, LazyOps)
    data = timeline(lazy)
    assert len(data["ops"]) == SHOWN_OPS + 1
    assert data["ops"][-1]["op"] == "close" and data["ops"][-1]["i"] == data["total"] - 1
    faulted = timeline(plan_for("missing_done", text=text))
    assert faulted["ops"][-1]["op"] == "close" and len(faulted["ops"]) == SHOWN_OPS + 1


def test_bytes_are_escaped_and_cut_in_the_middle():
    data = b"data: " + "é".encode() + b"x" * 2000 + b"\xff\n\n"
    shown = show_bytes(data)
    assert shown.startswith("b'data: \\xc3\\xa9xxx") and shown.endswith("xx\\xff\\n\\n'")
    assert " ... " in shown and len(shown) < 800
    huge = b"data: " + b"y" * 10_000_000 + b"\xff\n\n"  # cut before escaping: as cheap
    assert show_bytes(huge) == "b'data: " + "y" * 232 + " ... " + "y" * 471 + "\\xff\\n\\n'"
    assert show_bytes(b"data: [DONE]\n\n") == "b'data: [DONE]\\n\\n'"


def test_no_plan_gives_an_empty_timeline():
    assert timeline(None) == {"measured": False, "ops": [], "total": 0, "end": 0.0,
                              "faults": []}
