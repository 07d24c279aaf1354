"""The `ws:` scenario form: a list of steps that script one WebSocket connection exactly.

    response:
      ws:
        - send: {type: session.created}        # JSON text message (compact, raw UTF-8)
        - expect: {type: response.create}      # wait for the next client message; subset match
        - sleep_ms: 50                         # pause
        - send: "not json at all"              # a string goes verbatim as a text message
        - send_binary: {type: x}               # a binary message (UTF-8 bytes of the JSON/string)
        - close: {code: 1011, reason: boom}    # 1005 = close frame without code, 1006 = drop

A script replaces the endpoint's own protocol: the server says exactly what the steps say.
When the steps run out without a `close`, the server closes normally (1000). A client message
that does not match an `expect` step ends the connection with close 1008 and the mismatch is
recorded in the journal entry's `error`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.core.strict_json import loads
from mockserver.core.ws.ops import Close, Pause, Send, WsOp
from mockserver.core.ws.protocol import json_text
from mockserver.errors import ScenarioError

__all__ = [
    "SendStep", "ExpectStep", "SleepStep", "CloseStep", "Step", "parse_steps", "ScriptProtocol",
    "matches",
]

_KINDS = ("send", "send_binary", "expect", "sleep_ms", "close")


@dataclass(frozen=True)
class SendStep:
    data: str | bytes


@dataclass(frozen=True)
class ExpectStep:
    pattern: Any


@dataclass(frozen=True)
class SleepStep:
    seconds: float


@dataclass(frozen=True)
class CloseStep:
    code: int = 1000
    reason: str = ""


Step = SendStep | ExpectStep | SleepStep | CloseStep


def _payload(value: Any) -> str:
    return value if isinstance(value, str) else json_text(value)


def _close_step(value: Any, where: str, path: str) -> CloseStep:
    if value is None or value is True:
        return CloseStep()
    if not isinstance(value, Mapping) or set(value) - {"code", "reason"}:
        raise ScenarioError("expected {code: N, reason: TEXT}", where=where, path=path)
    code, reason = value.get("code", 1000), value.get("reason", "")
    if isinstance(code, bool) or not isinstance(code, int) or not (
        code in (1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
                 1014) or 3000 <= code <= 4999
    ):
        raise ScenarioError(f"close code {code!r} is not a valid code (1000-1014, 3000-4999)",
                            where=where, path=f"{path}.code")
    if not isinstance(reason, str) or len(reason.encode()) > 123:
        raise ScenarioError("reason must be text of at most 123 UTF-8 bytes",
                            where=where, path=f"{path}.reason")
    return CloseStep(code, reason)


def parse_steps(
    raw: Sequence[Any], *, where: str = "<python>", path: str = "response.ws"
) -> tuple[Step, ...]:
    """Validate a `ws:` list; errors name the step (`response.ws[2].close.code`)."""
    steps: list[Step] = []
    for i, item in enumerate(raw):
        here = f"{path}[{i}]"
        if isinstance(item, (SendStep, ExpectStep, SleepStep, CloseStep)):
            steps.append(item)
            continue
        if not isinstance(item, Mapping) or len(item) != 1 or next(iter(item)) not in _KINDS:
            raise ScenarioError(f"a step is one of {', '.join(k + ': ...' for k in _KINDS)}; "
                                f"got {item!r}", where=where, path=here)
        kind, value = next(iter(item.items()))
        if kind == "send":
            steps.append(SendStep(_payload(value)))
        elif kind == "send_binary":
            steps.append(SendStep(_payload(value).encode()))
        elif kind == "expect":
            steps.append(ExpectStep({} if value is None else value))
        elif kind == "sleep_ms":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ScenarioError("expected a number of milliseconds >= 0", where=where,
                                    path=f"{here}.sleep_ms")
            steps.append(SleepStep(value / 1000.0))
        else:
            steps.append(_close_step(value, where, f"{here}.close"))
    return tuple(steps)


def matches(pattern: Any, actual: Any) -> bool:
    """Subset match: every key of a mapping pattern must match; lists and scalars are equal."""
    if isinstance(pattern, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and matches(value, actual[key]) for key, value in pattern.items()
        )
    if isinstance(pattern, list):
        return isinstance(actual, list) and len(pattern) == len(actual) and all(
            matches(p, a) for p, a in zip(pattern, actual, strict=True)
        )
    return bool(pattern == actual)


class ScriptProtocol:
    """Plays a parsed script: runs steps until an `expect`, then waits for the client."""

    name = "script"

    def __init__(self, steps: tuple[Step, ...]) -> None:
        self.steps = steps
        self.position = 0
        self.failures: list[str] = []
        self.first_turn = 0 if steps and not isinstance(steps[0], ExpectStep) else 1

    def opening(self) -> list[WsOp]:
        return self._run()

    def receive(self, data: str | bytes) -> list[WsOp]:
        if self.position >= len(self.steps):
            return []
        step = self.steps[self.position]
        assert isinstance(step, ExpectStep)
        try:
            actual: Any = loads(data)
        except ValueError:  # StrictJSONError: compared as the text it is
            actual = data
        if not matches(step.pattern, actual):
            shown = data if isinstance(data, str) else repr(data)
            self.failures.append(
                f"ws script step {self.position}: expected a message matching "
                f"{json_text(step.pattern)}, got {shown[:200]}"
            )
            self.position = len(self.steps)
            return [Close(1008, "mockserver: unexpected client message")]
        self.position += 1
        return self._run()

    def _run(self) -> list[WsOp]:
        ops: list[WsOp] = []
        while self.position < len(self.steps):
            step = self.steps[self.position]
            if isinstance(step, ExpectStep):
                return ops
            self.position += 1
            if isinstance(step, SendStep):
                ops.append(Send(step.data))
            elif isinstance(step, SleepStep):
                ops.append(Pause(step.seconds))
            else:
                ops.append(Close(step.code, step.reason))
                self.position = len(self.steps)
                return ops
        ops.append(Close(1000, ""))
        return ops
