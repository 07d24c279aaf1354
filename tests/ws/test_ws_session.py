"""The pure WebSocket core: WsSession batches, numbering, scripts and faults (no sockets).

These check the same-scenario guarantee of issue 6: a `/v1/ws/chat` answer carries the SSE
stream's text pieces and pauses for the same response, seed and timing.
"""

from __future__ import annotations

import json

import pytest

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.plan import Sleep
from mockserver.core.scenario import Response, Timing
from mockserver.core.ws.ops import Accept, Close, Deny, Pause, Send, sends
from mockserver.core.ws.protocol import WsSetup
from mockserver.core.ws.script import matches, parse_steps
from mockserver.core.ws.session import WsSession
from mockserver.errors import ScenarioError
from mockserver.faults import parse_faults

TIMING = Timing(first_token_ms=30, chunk_ms=10, jitter_ms=4)


def chat(response: Response, *, seed: int = 7, timing: Timing | None = None,
         faults: str = "") -> WsSession:
    setup = WsSetup(protocol="chat", responses=(response,), seed=seed, timing=timing)
    return WsSession(setup, faults=parse_faults(faults))


def message(content: str = "hi") -> str:
    return json.dumps({"type": "message", "model": "gpt-4.1", "content": content})


def test_chat_answer_has_the_sse_pieces_and_pauses_of_the_same_scenario() -> None:
    response = Response(text="Hello there, brave new world")
    session = chat(response, timing=TIMING)
    assert session.handshake() == [Accept()]
    ops = session.receive(message())
    chunks = [json.loads(op.data) for op in sends(ops)]
    assert chunks[-1] == {"type": "done"}
    sse = compile_plan(view_for("chat", "/v1/chat/completions", {
        "model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}], "stream": True}),
        response=response, seed=7, timing=TIMING)
    deltas = [json.loads(w[6:])["choices"][0]["delta"].get("content") for w in sse.writes()[1:-2]]
    assert [c["content"] for c in chunks[:-1]] == deltas
    ws_pauses = [op.seconds for op in ops if isinstance(op, Pause)]
    sse_pauses = [op.seconds for op in sse.ops if isinstance(op, Sleep)]
    assert ws_pauses == sse_pauses[: len(ws_pauses)]


def test_messages_are_numbered_over_the_whole_connection() -> None:
    session = chat(Response(text="a b"))
    session.handshake()
    first = [op.index for op in sends(session.receive(message()))]
    second = [op.index for op in sends(session.receive(message()))]
    assert first == [1, 2, 3] and second == [4, 5, 6]


def test_same_setup_and_messages_give_the_same_ops() -> None:
    runs = []
    for _ in range(2):
        setup = WsSetup(protocol="realtime", seed=3, timing=TIMING)
        session = WsSession(setup, faults=parse_faults("ws_malformed(at=4, kind=unknown_type)"))
        ops = session.handshake() + session.receive('{"type":"response.create"}')
        runs.append(ops)
    assert runs[0] == runs[1]


def test_ws_close_cuts_after_n_messages_across_turns() -> None:
    session = chat(Response(text="one two three"), faults="ws_close(after=2, code=1011, reason=x)")
    session.handshake()
    ops = session.receive(message())
    assert [op.index for op in sends(ops)] == [1, 2]
    assert ops[-1] == Close(1011, "x") and session.closed
    assert session.receive(message()) == []


def test_ws_close_after_zero_closes_right_after_the_handshake() -> None:
    session = chat(Response(text="x"), faults="ws_close(after=0, code=1006)")
    assert session.handshake() == [Accept(), Close(1006)]


def test_ws_reject_replaces_the_handshake() -> None:
    session = chat(Response(text="x"), faults="ws_reject(status=429, retry_after=2)")
    (deny,) = session.handshake()
    assert isinstance(deny, Deny) and deny.status == 429 and ("retry-after", "2") in deny.headers
    assert json.loads(deny.body)["error"]["type"] == "requests"


def test_ws_stall_pauses_before_the_next_message() -> None:
    session = chat(Response(text="a b c"), faults="ws_stall(after=2, seconds=9)")
    session.handshake()
    ops = session.receive(message())
    position = ops.index(Pause(9.0))
    assert isinstance(ops[position + 1], Send) and ops[position + 1].index == 3


@pytest.mark.parametrize("kind", ["not_json", "binary", "truncated_json"])
def test_ws_malformed_replaces_the_message(kind: str) -> None:
    session = chat(Response(text="a b"), faults=f"ws_malformed(at=2, kind={kind})")
    session.handshake()
    second = sends(session.receive(message()))[1]
    if kind == "binary":
        assert json.loads(second.data) == {"type": "chunk", "content": " b"}
    else:
        with pytest.raises(ValueError):
            json.loads(second.data)


def test_ws_auth_error_answers_the_first_client_message_of_chat() -> None:
    session = chat(Response(text="a"), faults="ws_auth_error")
    assert session.handshake() == [Accept()]
    ops = session.receive(json.dumps({"type": "auth", "api_key": "k"}))
    assert json.loads(sends(ops)[0].data)["type"] == "error"
    assert ops[-1] == Close(1008, "invalid api key")


def test_script_steps_play_until_expect_then_close_normally() -> None:
    setup = WsSetup(protocol="chat")
    steps = [{"send": {"type": "hello"}}, {"expect": {"type": "go"}}, {"sleep_ms": 5},
             {"send": "raw text"}, {"send_binary": "bytes"}]
    session = WsSession(setup, script=steps)
    assert session.handshake() == [Accept(), Send('{"type":"hello"}', 1)]
    assert session.receive('{"type":"go","extra":1}') == [
        Pause(0.005), Send("raw text", 2), Send(b"bytes", 3), Close(1000, "")]


def test_script_mismatch_closes_1008_and_records_the_failure() -> None:
    session = WsSession(WsSetup(protocol="chat"), script=[{"expect": {"type": "go"}}])
    session.handshake()
    closing = Close(1008, "mockserver: unexpected client message")
    assert session.receive('{"type":"stop"}') == [closing]
    assert "expected a message matching" in session.failures[0]


@pytest.mark.parametrize(("steps", "path"), [
    ([{"send": 1, "expect": 2}], "response.ws[0]"),
    ([{"close": {"code": 999}}], "response.ws[0].close.code"),
    ([{"sleep_ms": -1}], "response.ws[0].sleep_ms"),
    ([{"shout": "x"}], "response.ws[0]"),
])
def test_bad_script_steps_name_the_step(steps: list, path: str) -> None:
    with pytest.raises(ScenarioError, match=path.replace("[", r"\[").replace("]", r"\]")):
        parse_steps(steps)


def test_bad_script_denies_the_handshake_with_500() -> None:
    session = WsSession(WsSetup(protocol="chat"), script=[{"close": {"code": 5}}])
    (deny,) = session.handshake()
    assert isinstance(deny, Deny) and deny.status == 500 and b"close.code" in deny.body


def test_subset_match() -> None:
    assert matches({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}, "d": 3})
    assert not matches({"a": [1]}, {"a": [1, 2]})
    assert matches({}, {"x": 1})
    assert not matches({}, "not an object")
