"""The WirePlan: the exact, explicit steps the transport plays for one response.

    compile_plan(...) ─► WirePlan(ops)
                           ├── Start(status, headers)     response head (absent: no HTTP reply)
                           ├── Write(data, events)        one flushed write; `events` = SSE events
                           │                              completed so far (what `after=N` counts)
                           ├── Sleep(seconds)             pause, scheduled against a deadline
                           └── Close(mode)                clean | abrupt | reset | hold

A plan is pure data. The ASGI player plays it through uvicorn; plans that HTTP framing cannot
express (no response head, raw bytes that break chunked framing) have `requires_raw_socket`
set and are played over the socket itself. `repr(plan)` shows exactly what was sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

__all__ = ["Start", "Write", "Sleep", "Close", "Op", "WirePlan", "CloseMode"]

CloseMode = Literal["clean", "abrupt", "reset", "hold"]


@dataclass(frozen=True)
class Start:
    """Send the response head."""

    status: int
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Write:
    """Write bytes and flush. `raw` bytes bypass HTTP chunk framing (raw-socket plans only)."""

    data: bytes
    events: int = 0
    raw: bool = False


@dataclass(frozen=True)
class Sleep:
    """Pause before the next op (seconds)."""

    seconds: float


@dataclass(frozen=True)
class Close:
    """End the response.

    clean: finish the body properly. abrupt: close the socket without the chunked terminator
    (client sees an incomplete read). reset: TCP RST (SO_LINGER 0). hold: keep the connection
    open without sending anything for `seconds`, then finish cleanly.
    """

    mode: CloseMode = "clean"
    seconds: float = 0.0


Op = Union[Start, Write, Sleep, Close]  # noqa: UP007 - a runtime alias, valid on Python 3.10


@dataclass(frozen=True)
class WirePlan:
    """An immutable list of ops plus what the journal and logs need to describe it."""

    ops: tuple[Op, ...]
    scenario: str | None = None
    faults: tuple[str, ...] = ()
    streaming: bool = False
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def start(self) -> Start | None:
        for op in self.ops:
            if isinstance(op, Start):
                return op
        return None

    @property
    def status(self) -> int | None:
        start = self.start
        return start.status if start else None

    @property
    def close(self) -> Close:
        last = self.ops[-1] if self.ops else None
        return last if isinstance(last, Close) else Close("clean")

    @property
    def requires_raw_socket(self) -> bool:
        """True when uvicorn's HTTP framing cannot express the plan (no head, raw writes)."""
        if self.start is None:
            return True
        return any(isinstance(op, Write) and op.raw for op in self.ops)

    def body(self) -> bytes:
        """All body bytes in order (what a client reading to the end would receive)."""
        return b"".join(op.data for op in self.ops if isinstance(op, Write))

    def writes(self) -> list[bytes]:
        return [op.data for op in self.ops if isinstance(op, Write)]

    def total_sleep(self) -> float:
        return sum(op.seconds for op in self.ops if isinstance(op, Sleep))

    def describe(self, *, limit: int = 80) -> str:
        """A readable transcript: one line per op, bytes abbreviated to `limit` characters."""
        lines = []
        for op in self.ops:
            if isinstance(op, Start):
                heads = ", ".join(f"{k}: {v}" for k, v in op.headers)
                lines.append(f"START {op.status} [{heads}]")
            elif isinstance(op, Write):
                text = repr(op.data)
                if len(text) > limit:
                    text = text[: limit - 3] + "..."
                kind = "RAW " if op.raw else ""
                lines.append(f"{kind}WRITE {len(op.data)}B {text}")
            elif isinstance(op, Sleep):
                lines.append(f"SLEEP {op.seconds * 1000:.1f}ms")
            else:
                extra = f" {op.seconds}s" if op.seconds else ""
                lines.append(f"CLOSE {op.mode}{extra}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        faults = f" faults={list(self.faults)}" if self.faults else ""
        scen = f" scenario={self.scenario!r}" if self.scenario else ""
        return f"<WirePlan{scen}{faults}\n{self.describe()}\n>"
