"""How big the journal may grow (SPEC 8): the one place for its truncation, sizes and caps,
shared by every store of it (the in-process lanes of state.py, the Redis ones of
redis_store.py), so `--journal-max-mb` means the same thing for both.

    BODY_LIMIT        a request body (or a WebSocket connection's messages) past 64 KiB is
                      kept as its first 64 KiB of text in `body`, with `body_truncated: true`,
                      `body_size` (the whole body's bytes) and `body_sha256`
    keep_body         journal a request body as it came in (keep_ws_message: one WebSocket
                      client message); bound_body: an entry whose body was set directly
    JournalBounds     the caps: 64 MiB in all (`--journal-max-mb`), a quarter of it per lane,
                      1,000 entries per lane, 1,000 lanes; past a lane's cap its oldest
                      entries go, past the total the journals of the longest-idle lanes
    settle(entry)     an in-process entry's size once its answer is played (what the caps
                      count there: the memory it holds, as tracemalloc measured it), a large
                      answer replaced by its transcript
    entry_json(data)  an entry as the shared journal stores it (and what its caps count there):
                      compact strict JSON, ASCII only, whatever the request held

Whatever a request held, the kept form serialises as strict JSON: bytes shown as text with
their undecodable bytes escaped (`\\xff`), lone surrogates escaped, no NaN or Infinity
(core/strict_json.json_safe).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from typing import Any

from mockserver.core.plan import LazyOps, WirePlan, Write
from mockserver.core.strict_json import json_safe
from mockserver.transport.journal import JournalEntry

__all__ = [
    "BODY_LIMIT", "DEFAULT_TOTAL_MB", "DEFAULT_LANE_ENTRIES", "DEFAULT_LANES", "JournalBounds",
    "keep_body", "keep_ws_message", "bound_body", "settle", "entry_json",
]

#: request bodies (and a WebSocket connection's messages) above this are kept truncated
BODY_LIMIT = 64 * 1024
#: the default byte cap of the whole journal, in MiB (`--journal-max-mb`)
DEFAULT_TOTAL_MB = 64.0
#: entries kept per lane, and lanes kept, by default
DEFAULT_LANE_ENTRIES = 1000
DEFAULT_LANES = 1000
_MIB = 1024 * 1024
#: the fixed cost counted per in-process entry on top of its bytes (the Python objects around
#: them), per JSON value of a parsed body (a dict, list, str or number object) and per op time
#: the inspector recorded: calibrated with tracemalloc so that the counted size stays near the
#: memory an entry really holds
_ENTRY_OVERHEAD = 4096
_PER_JSON_VALUE = 48
_PER_MARK = 120


@dataclass(frozen=True)
class JournalBounds:
    """The journal's caps. `total_bytes` and `lane_bytes` count memory in process (`settle`)
    and stored JSON in Redis (`entry_json`); at least one entry of a lane is always kept."""

    total_bytes: int = int(DEFAULT_TOTAL_MB * _MIB)
    lane_bytes: int = int(DEFAULT_TOTAL_MB * _MIB) // 4
    lane_entries: int = DEFAULT_LANE_ENTRIES
    #: lanes kept; past it the longest-idle one goes (in process: whole, with its queue and
    #: counters; in Redis: its journal)
    lanes: int = DEFAULT_LANES

    @classmethod
    def from_max_mb(cls, max_mb: float = DEFAULT_TOTAL_MB, lane_mb: float | None = None, *,
                    lane_entries: int = DEFAULT_LANE_ENTRIES, lanes: int = DEFAULT_LANES
                    ) -> JournalBounds:
        """The bounds for `--journal-max-mb MB`: that total, and per lane `lane_mb` or a
        quarter of the total (never more than the total)."""
        if not 0 < max_mb < 1e9 or (lane_mb is not None and not 0 < lane_mb < 1e9):
            raise ValueError(f"journal caps must be positive MiB, got {max_mb}, {lane_mb}")
        total = int(max_mb * _MIB)
        lane = int(lane_mb * _MIB) if lane_mb else total // 4
        return cls(total_bytes=total, lane_bytes=min(total, lane), lane_entries=lane_entries,
                   lanes=lanes)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "backslashreplace")


def _truncate(entry: JournalEntry, data: bytes) -> None:
    entry.body_truncated = True
    entry.body_size = len(data)
    entry.body_sha256 = hashlib.sha256(data).hexdigest()


def _parsed_cost(raw: bytes | str) -> int:
    """What a parsed JSON document costs in memory, roughly: its text plus one small object
    per value (counted from its separators and brackets, at C speed)."""
    if isinstance(raw, str):
        values = raw.count(",") + raw.count(":") + 1
    else:
        values = raw.count(b",") + raw.count(b":") + 1
    return len(raw) + _PER_JSON_VALUE * values


def keep_body(entry: JournalEntry, raw: bytes, parsed: Any = None) -> None:
    """Journal a request body: `parsed` (strict JSON, so always serialisable) when given and
    small, else the text of `raw`; above `BODY_LIMIT` its first 64 KiB, size and sha256."""
    entry.body_size = len(raw)
    if len(raw) <= BODY_LIMIT:
        entry.body = parsed if parsed is not None else (_text(raw) if raw else None)
        entry.body_cost = _parsed_cost(raw) if parsed is not None else len(raw)
        return
    entry.body = _text(raw[:BODY_LIMIT])
    entry.body_cost = BODY_LIMIT
    _truncate(entry, raw)


def keep_ws_message(entry: JournalEntry, message: Any, size: int, raw: str | bytes) -> None:
    """Journal one WebSocket client message (`message`: parsed JSON or its text; `size` its
    bytes). A connection keeps 64 KiB of messages; the message that passes it (or the
    1,001st) is kept cut to what is left, as text, with its sha256 in `body_sha256`; the
    body is then marked truncated and later messages only count in `body_size`."""
    kept = entry.body if isinstance(entry.body, list) else []
    entry.body = kept
    total = (entry.body_size or 0) + size
    entry.body_size = total
    if entry.body_truncated:
        return
    if total <= BODY_LIMIT and len(kept) < 1000:
        kept.append(message)
        entry.body_cost += _parsed_cost(raw) if not isinstance(message, str) else size
        return
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    room = max(0, BODY_LIMIT - (total - size))
    kept.append(_text(data[:room]))
    entry.body_cost += room
    _truncate(entry, data)
    entry.body_size = total


def bound_body(entry: JournalEntry) -> None:
    """Bound a body that was set directly rather than kept (`keep_body`): past `BODY_LIMIT`
    as compact JSON, its first 64 KiB of that JSON, with the JSON's size and sha256."""
    if entry.body is None or entry.body_size is not None:
        return
    data = json.dumps(json_safe(entry.body), separators=(",", ":")).encode()
    entry.body_size = len(data)
    if len(data) > BODY_LIMIT:
        entry.body = _text(data[:BODY_LIMIT])
        _truncate(entry, data)


def _plan_bytes(plan: WirePlan, bytes_sent: int) -> int:
    if isinstance(plan.ops, LazyOps):  # rendered again on demand: it holds what renders it
        return bytes_sent
    return sum(len(op.data) for op in plan.ops if isinstance(op, Write))


#: ops a lazy plan's transcript shows before it counts the rest: describing costs about
#: 2.5 us per op on the request's path, 2% of a 1,000-event stream at 20 ops (10% at 200)
_TRANSCRIPT_OPS = 20


def _transcript(plan: WirePlan, bytes_sent: int) -> list[str]:
    """`plan.describe()` as lines. A lazy plan (a fault-free stream, rendered while it was
    played) shows its first `_TRANSCRIPT_OPS` ops, one line counting the bytes of the rest,
    and its tail: describing it in full would render the whole stream a second time on the
    request's path once it has been sent (measured: 0.7x bare Starlette's events/s instead
    of 1.1x). The shared journal (redis_store.py) keeps a head the same way."""
    ops = plan.ops
    if not isinstance(ops, LazyOps):
        return plan.describe().splitlines()
    first = list(itertools.islice(iter(ops), _TRANSCRIPT_OPS + 1))
    if len(first) <= _TRANSCRIPT_OPS:  # short: the whole of it
        return WirePlan(ops=tuple(first)).describe().splitlines()
    shown = first[:_TRANSCRIPT_OPS]
    shown_bytes = sum(len(op.data) for op in shown if isinstance(op, Write))
    lines = WirePlan(ops=tuple(shown)).describe(max_ops=_TRANSCRIPT_OPS).splitlines()
    lines.append(f"... more ops: {max(0, bytes_sent - shown_bytes)} more bytes written ...")
    return lines + WirePlan(ops=ops.tail).describe().splitlines()


def settle(entry: JournalEntry) -> int:
    """Size the finished in-process entry (and set `entry.size`); a large answer, or a plan
    that may hold a large request (its body was kept truncated), is replaced by its
    transcript (`sent`; the op times the inspector recorded go with the plan). Returns the
    size."""
    plan = entry.plan
    size = _ENTRY_OVERHEAD + entry.body_cost
    size += sum(len(k) + len(v) + 2 * _PER_JSON_VALUE for k, v in entry.headers.items())
    if entry.body is not None and not entry.body_cost:  # set directly (the GET form)
        size += 1024
    if plan is not None:
        held = _plan_bytes(plan, entry.bytes_sent)
        if held > BODY_LIMIT or entry.body_truncated:
            entry.sent = _transcript(plan, entry.bytes_sent)
            entry.plan = entry.marks = None
        else:
            size += held + 64 * len(plan.faults) + _PER_MARK * len(entry.marks or ())
    if entry.sent is not None:
        size += sum(len(line) for line in entry.sent)
    entry.size = size
    entry.settled = True
    return size


def entry_json(data: dict[str, Any]) -> str:
    """One journal entry as the shared journal stores it: compact strict JSON, ASCII only,
    whatever it held (`json_safe` first; `allow_nan=False` guards the rule)."""
    return json.dumps(json_safe(data), separators=(",", ":"), allow_nan=False)
