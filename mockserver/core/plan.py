"""The WirePlan: the exact, explicit steps the transport plays for one response.

    compile_plan(...) ─► WirePlan(ops)
                           ├── Start(status, headers)     response head (absent: no HTTP reply)
                           ├── Write(data, events)        one flushed write; `events` = SSE events
                           │                              completed so far (what `after=N` counts)
                           ├── Sleep(seconds, since)      pause: pacing or minimum spacing
                           └── Close(mode)                clean | abrupt | reset | hold

Time. The plan's clock starts where its first Sleep begins (ops before it, such as the head
and the first event, take no scheduled time), and every Sleep moves the schedule on by
`seconds`. A Sleep has one of two meanings, chosen where the plan is built:

    since="schedule"  pacing (timing.chunk_ms / first_token_ms, first_token_delay, drip,
                      stall): wait until the schedule's offset, a deadline, not a delay
                      from now. A late wake-up does not push later ops back: the stream keeps
                      its schedule without drift, and an overdue op goes out at once.
    since="write"     spacing (split's `gap_ms`): wait at least `seconds` after the previous
                      write actually went out (and not before its place in the schedule), so
                      a client reading as data arrives gets the two writes in separate reads.
                      Lateness here is absorbed by the next pacing Sleep.

Faults that cut a pause into slices (keepalive) keep its meaning in every slice.

Pacing. `schedule(frames, timing, seed)` turns encoded frames into Write ops with pacing
Sleeps from a `Timing` (first-token latency, chunk gap, seeded jitter); the WebSocket
protocols take their pauses from the same function, so both transports pace alike.

A plan is pure data. The ASGI player plays it through uvicorn; plans that HTTP framing cannot
express (no response head, raw bytes that break chunked framing) have `requires_raw_socket`
set and are played over the socket itself. `repr(plan)` shows exactly what was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Union

from mockserver.core.events import Frame
from mockserver.core.ids import rng_for

__all__ = [
    "Start", "Write", "Sleep", "Close", "Op", "WirePlan", "CloseMode", "LazyOps", "Timing",
    "REALISTIC_TIMING", "schedule", "schedule_iter",
]

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


# Not `frozen`: a frozen dataclass pays object.__setattr__ per field on every construction,
# about 0.5 us, and one is built per event on the hot path. Treat instances as immutable all
# the same (faults build new ones with dataclasses.replace); they hash by value.
@dataclass(slots=True, unsafe_hash=True)
class Write:
    """Write bytes and flush. `raw` bytes bypass HTTP chunk framing (raw-socket plans only)."""

    data: bytes
    events: int = 0
    raw: bool = False


@dataclass(frozen=True)
class Sleep:
    """Pause before the next op: until the schedule reaches it (`since="schedule"`, pacing) or
    at least `seconds` after the previous write went out (`since="write"`, minimum spacing).
    See the module docstring."""

    seconds: float
    since: Literal["schedule", "write"] = "schedule"


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


class LazyOps:
    """Ops whose middle is produced on demand: `head`, then `body()` (a fresh iterator on every
    pass, from pure data), then `tail`. A fault-free stream is played this way, so its first
    byte leaves before the last event is rendered and memory stays flat in stream length. It
    compares, indexes and iterates like the tuple it stands for; `sleeps` says whether `body`
    holds any Sleep op (so the player need not walk it to know). It never holds raw writes."""

    __slots__ = ("head", "body", "tail", "sleeps")

    def __init__(
        self, head: tuple[Op, ...], body: Callable[[], Iterable[Op]], tail: tuple[Op, ...],
        *, sleeps: bool,
    ) -> None:
        self.head, self.body, self.tail, self.sleeps = head, body, tail, sleeps

    def __iter__(self) -> Iterator[Op]:
        yield from self.head
        yield from self.body()
        yield from self.tail

    def __getitem__(self, index: int) -> Op:
        if 0 <= index < len(self.head):
            return self.head[index]
        if index < 0 and -index <= len(self.tail):
            return self.tail[index]
        return tuple(self)[index]

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LazyOps, tuple)):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyOps(head={self.head!r}, tail={self.tail!r})"


@dataclass(frozen=True)
class WirePlan:
    """An immutable list of ops plus what the journal and logs need to describe it."""

    ops: tuple[Op, ...] | LazyOps
    scenario: str | None = None
    faults: tuple[str, ...] = ()
    streaming: bool = False
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def start(self) -> Start | None:
        if isinstance(self.ops, LazyOps):
            return next((op for op in self.ops.head if isinstance(op, Start)), None)
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
        if isinstance(self.ops, LazyOps):
            return False
        return any(isinstance(op, Write) and op.raw for op in self.ops)

    @property
    def has_sleeps(self) -> bool:
        """Whether the plan pauses anywhere (the player then watches for disconnects)."""
        if isinstance(self.ops, LazyOps):
            return self.ops.sleeps or any(isinstance(op, Sleep) for op in self.ops.tail)
        return any(isinstance(op, Sleep) for op in self.ops)

    def body(self) -> bytes:
        """All body bytes in order (what a client reading to the end would receive)."""
        return b"".join(op.data for op in self.ops if isinstance(op, Write))

    def writes(self) -> list[bytes]:
        return [op.data for op in self.ops if isinstance(op, Write)]

    def total_sleep(self) -> float:
        return sum(op.seconds for op in self.ops if isinstance(op, Sleep))

    def describe(self, *, limit: int = 80, max_ops: int = 200) -> str:
        """A readable transcript: one line per op, bytes abbreviated to `limit` characters.
        Past `max_ops` ops, a line counts those left out and the last ten are shown."""
        lines: list[str] = []
        last: list[Op] = []
        skipped = 0
        for op in self.ops:
            if len(lines) < max_ops:
                lines.append(_line(op, limit))
            else:
                last.append(op)
                if len(last) > 10:
                    last.pop(0)
                    skipped += 1
        if skipped:
            lines.append(f"... {skipped} more ops ...")
        lines += [_line(op, limit) for op in last]
        return "\n".join(lines)

    def __repr__(self) -> str:
        faults = f" faults={list(self.faults)}" if self.faults else ""
        scen = f" scenario={self.scenario!r}" if self.scenario else ""
        return f"<WirePlan{scen}{faults}\n{self.describe()}\n>"


def _line(op: Op, limit: int) -> str:
    if isinstance(op, Start):
        heads = ", ".join(f"{k}: {v}" for k, v in op.headers)
        return f"START {op.status} [{heads}]"
    if isinstance(op, Write):
        text = repr(op.data)
        if len(text) > limit:
            text = text[: limit - 3] + "..."
        kind = "RAW " if op.raw else ""
        return f"{kind}WRITE {len(op.data)}B {text}"
    if isinstance(op, Sleep):
        spacing = " after the previous write" if op.since == "write" else ""
        return f"SLEEP {op.seconds * 1000:.1f}ms{spacing}"
    extra = f" {op.seconds}s" if op.seconds else ""
    return f"CLOSE {op.mode}{extra}"


@dataclass(frozen=True)
class Timing:
    """Pacing of a stream in milliseconds; jitter is drawn from the scenario seed. `gaps_ms`,
    when given (a recording's measured gaps), is the gap before each frame after the first,
    in order; `chunk_ms` paces the frames past its end."""

    first_token_ms: float = 0.0
    chunk_ms: float = 0.0
    jitter_ms: float = 0.0
    gaps_ms: tuple[float, ...] = ()

    @property
    def is_zero(self) -> bool:
        return not (self.first_token_ms or self.chunk_ms or self.jitter_ms or self.gaps_ms)


REALISTIC_TIMING = Timing(first_token_ms=250.0, chunk_ms=25.0, jitter_ms=10.0)


def schedule(frames: Iterable[Frame], timing: Timing | None, seed: int) -> list[Op]:
    """Writes with pauses: first-token latency before the first frame, chunk gaps between."""
    return list(schedule_iter(frames, timing, seed))


def schedule_iter(frames: Iterable[Frame], timing: Timing | None, seed: int) -> Iterator[Op]:
    """The lazy form of `schedule`, for fault-free streams played as they are rendered."""
    count = 0
    if timing is None or timing.is_zero:
        for frame in frames:
            if frame.counted:
                count += 1
            yield Write(frame.data, count)
        return
    rng = rng_for(seed, "timing")
    gaps = timing.gaps_ms
    for i, frame in enumerate(frames):
        if i == 0:
            base = timing.first_token_ms
        else:
            base = gaps[i - 1] if i <= len(gaps) else timing.chunk_ms
        jitter = rng.uniform(-timing.jitter_ms, timing.jitter_ms) if timing.jitter_ms else 0.0
        delay = max(0.0, base + jitter)
        if delay:
            yield Sleep(delay / 1000.0)
        if frame.counted:
            count += 1
        yield Write(frame.data, count)
