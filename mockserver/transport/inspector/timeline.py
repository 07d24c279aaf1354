"""A response's wire timeline as plain data, for the inspector page, its events and the report.

    timeline(plan, marks) ─► {"measured", "ops": [op...], "total", "end", "faults": [...]}
      op   {"i", "op": start|write|sleep|close, "t": measured ms or None, "at": planned ms,
            start: status, headers · write: n, events, raw, bytes · sleep: ms, since ·
            close: mode, seconds}
      fault {"spec", "name", "op": the index of the op where it acts, or None (the whole
             stream), "where": a few words ("at event 3", "after event 2", ...)}

`marks` are what the player recorded while a stream was watched: (seconds since the first
op, op index) per op played (transport/http_player.py). Without them every op still has its
planned offset (`at`, the sum of the plan's pauses before it), so a timeline is there for
every response; `measured` says which one the page draws. Bytes are escaped as the
transcript escapes them (`repr` of the bytes) and cut in the middle, where both ends of an
SSE chunk (the id and the delta) stay readable.

Where a fault acts is read from its parameters (`at=N`: the write that completes event N;
`after=N`: the op after the write that completes event N) or, for faults without a
position, from `_WHERE` (the head, the first pause, ...); the rest act on the whole stream.
"""

from __future__ import annotations

import functools
import json
from itertools import islice
from typing import Any

from mockserver.core.plan import Close, LazyOps, Op, Sleep, Start, WirePlan, Write

__all__ = [
    "timeline", "place_faults", "describe_entry", "elide", "abbreviate", "show_bytes", "received",
    "SHOWN_OPS",
]

#: ops of one response shown in full; past them only the last op (the close) is added
SHOWN_OPS = 300
#: ops counted at most in a lazy plan (a long fault-free stream) to give its total
_COUNT_LIMIT = 20_000

#: where the faults without a position act (the rest: the whole stream)
_WHERE = {
    "status": "head", "content_type": "head", "not_streamed": "head", "cors": "head",
    "slow_headers": "first_sleep", "first_token_delay": "first_sleep", "silent": "first_sleep",
    "empty_reply": "last", "bom": "first_write", "missing_done": "last_write",
    "unterminated_last_event": "last_write", "done_variant": "last_write",
}


_PHRASES = {"head": "at the response head", "first_sleep": "at the first pause",
            "first_write": "at the first write", "last_write": "at the last write",
            "last": "at the end"}


def elide(text: str, head: int = 50, tail: int = 100) -> str:
    """Keep both ends of `text` (the transcript's cut): `head ... tail`."""
    if len(text) <= head + tail + 5:
        return text
    return f"{text[:head]} ... {text[-tail:]}"


def abbreviate(text: str, limit: int = 160) -> str:
    """`text` cut to `limit` characters, marking the cut with its full length."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}... ({len(text)} chars)"


def show_bytes(data: bytes, head: int = 240, tail: int = 480) -> str:
    """The bytes of one write as the page shows them on click: escaped, middle cut. A big
    write is cut before it is escaped, so showing it costs the same as a small one."""
    if len(data) > 4 * (head + tail):
        first, last = repr(data[: 4 * head]), repr(data[-4 * tail:])
        if first[-1] == last[-1]:  # the same quotes: b'...' ... '...'
            return elide(f"{first[:-1]}{last[2:]}", head, tail)
    return elide(repr(data), head, tail)


def received(body: Any) -> str | None:
    """The request body as one abbreviated line (as in the transcript)."""
    if body is None:
        return None
    try:
        text = json.dumps(body, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(body)
    return abbreviate(text)


def _op(i: int, op: Op, at: float) -> dict[str, Any]:
    base: dict[str, Any] = {"i": i, "t": None, "at": round(at, 3)}
    if isinstance(op, Write):
        base.update(op="write", n=len(op.data), events=op.events, raw=op.raw,
                    bytes=show_bytes(op.data))
    elif isinstance(op, Sleep):
        base.update(op="sleep", ms=round(op.seconds * 1000, 3), since=op.since)
    elif isinstance(op, Start):
        base.update(op="start", status=op.status, headers=[list(h) for h in op.headers])
    elif isinstance(op, Close):
        base.update(op="close", mode=op.mode, seconds=op.seconds)
    return base


def _window(plan: WirePlan) -> tuple[list[tuple[int, Op]], int | None]:
    """The shown ops with their indices (plus the last op when cut), and the total count."""
    ops = plan.ops
    if isinstance(ops, LazyOps):
        shown = list(enumerate(islice(iter(ops), SHOWN_OPS)))
        if len(shown) < SHOWN_OPS:
            return shown, len(shown)
        total = SHOWN_OPS + sum(1 for _ in islice(iter(ops), SHOWN_OPS, _COUNT_LIMIT))
        if total >= _COUNT_LIMIT:
            return shown, None
        return [*shown, (total - 1, ops[-1])], total
    shown = list(enumerate(ops[:SHOWN_OPS]))
    if len(ops) > SHOWN_OPS:
        shown.append((len(ops) - 1, ops[-1]))
    return shown, len(ops)


def timeline(plan: WirePlan | None, marks: list[tuple[float, int]] | None = None) -> dict[str, Any]:
    """The timeline of one response (`plan` as played, `marks` as recorded, if any)."""
    if plan is None:
        return {"measured": False, "ops": [], "total": 0, "end": 0.0, "faults": []}
    shown, total = _window(plan)
    measured = {i: t for t, i in marks or ()}
    rows = []
    at = 0.0  # the planned offset: the pauses before the op
    for n, (i, op) in enumerate(shown):
        if n == SHOWN_OPS:  # the last op of a long plan: its planned offset is unknown here
            at = plan.total_sleep() * 1000 if not isinstance(plan.ops, LazyOps) else at
        row = _op(i, op, at)
        if i in measured:
            row["t"] = round(measured[i] * 1000, 3)
        rows.append(row)
        if isinstance(op, Sleep):
            at += op.seconds * 1000
    end = max((r["t"] for r in rows if r["t"] is not None), default=None)
    return {
        "measured": bool(measured),
        "ops": rows,
        "total": total,
        "end": round(end if end is not None else at, 3),
        "faults": place_faults(shown, plan.faults),
    }


@functools.lru_cache(maxsize=512)
def _parsed(spec: str) -> tuple[str, int | None, int | None]:
    """(name, at, after) of a fault spec; unknown specs act on the whole stream."""
    from mockserver.errors import MockServerError
    from mockserver.faults import parse_faults

    try:
        fault = parse_faults(spec)[0]
    except (MockServerError, ValueError, IndexError):
        return spec.split("(", 1)[0].strip(), None, None
    at, after = getattr(fault, "at", None), getattr(fault, "after", None)
    return (fault.name, at if isinstance(at, int) else None,
            after if isinstance(after, int) else None)


def _completing(shown: list[tuple[int, Op]], event: int) -> int | None:
    """Position (in `shown`) of the write that completes event number `event`."""
    for k, (_, op) in enumerate(shown):
        if isinstance(op, Write) and op.events >= event:
            return k
    return None


def _named(shown: list[tuple[int, Op]], where: str) -> int | None:
    kinds = {"head": Start, "first_sleep": Sleep, "first_write": Write}
    if where in kinds:
        return next((i for i, op in shown if isinstance(op, kinds[where])), None)
    if where == "last_write":
        return next((i for i, op in reversed(shown) if isinstance(op, Write)), None)
    return shown[-1][0] if shown else None  # "last"


def place_faults(shown: list[tuple[int, Op]], faults: tuple[str, ...]) -> list[dict[str, Any]]:
    """Where each applied fault acts among the `shown` ops (None: the whole stream)."""
    placed = []
    for spec in faults:
        name, at, after = _parsed(spec)
        op: int | None = None
        if at is not None:
            k = _completing(shown, at)
            op, where = (shown[k][0] if k is not None else None), f"at event {at}"
        elif after is not None:
            k = _completing(shown, after)
            if k is not None and k + 1 < len(shown):
                op = shown[k + 1][0]
            elif shown:
                op = shown[-1][0]
            where = f"after event {after}"
        elif name in _WHERE:
            op, where = _named(shown, _WHERE[name]), _PHRASES[_WHERE[name]]
        else:
            where = "throughout the stream"
        placed.append({"spec": spec, "name": name, "op": op, "where": where})
    return placed


def describe_entry(entry: Any) -> dict[str, Any]:
    """An end event's data for a journal entry read after the fact (the plugin's report): the
    timeline from its plan and marks, or the one a remote server sent (`entry.timeline`)."""
    from mockserver.transport.inspector.feed import end_snapshot

    data = end_snapshot(entry)
    given = getattr(entry, "timeline", None)
    data.update(
        received=received(entry.body),
        timeline=given if given is not None else timeline(entry.plan, entry.marks),
    )
    return data
