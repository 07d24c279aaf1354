"""Journal entries: what one request held and what the server sent, kept small and printable.

    JournalEntry        one request (or one WebSocket connection) as the server saw it
    keep_body(...)      the body as journaled: the parsed JSON, or the text of what came in
                        (bytes that are not UTF-8 shown backslash-escaped); past
                        `BODY_KEEP` (64 KiB) the first 64 KiB as text, with the full size
                        and its sha256
    keep_ws_message     the same for each WebSocket client message (64 KiB per connection)
    settle(entry)       once the answer is played: the entry's size in bytes (what the
                        journal caps count) and, when the answer or the body was large, the
                        plan replaced by its transcript (`sent`), so the journal holds no
                        reference to a megabyte of request or response

Every entry serialises to strict JSON (`to_dict` goes through `strict_json.json_safe`), so
`GET /_mock/journal` answers whatever a request held. The caps themselves (per lane, in
total, number of lanes) live with the lanes in state.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from mockserver.core.plan import LazyOps, WirePlan, Write
from mockserver.core.strict_json import json_safe

__all__ = ["JournalEntry", "BODY_KEEP", "keep_body", "keep_ws_message", "settle"]

#: request bodies (and a WebSocket connection's messages) above this are kept truncated
BODY_KEEP = 64 * 1024
#: the fixed cost counted per entry on top of its bytes (the Python objects around them),
#: and per JSON value of a parsed body (a dict, list, str or number object): calibrated with
#: tracemalloc so that the counted size stays near the memory an entry really holds
_ENTRY_OVERHEAD = 4096
_PER_JSON_VALUE = 48


@dataclass
class JournalEntry:
    """One request as the server saw it, and what it sent back."""

    index: int
    method: str
    path: str
    lane: str
    headers: dict[str, str]
    body: Any
    scenario: str | None = None
    faults: tuple[str, ...] = ()
    status: int | None = None
    outcome: str = "pending"
    plan: WirePlan | None = None
    bytes_sent: int = 0
    error: str | None = None
    #: the body's full size in bytes; shown with its sha256 when it was kept truncated
    body_size: int | None = None
    body_sha256: str | None = None
    body_truncated: bool = False
    #: the transcript of what was sent, when the plan itself was not kept (large answers)
    sent: list[str] | None = None
    #: bytes this entry counts against the journal caps (set by `settle`); its body's part
    size: int = 0
    body_cost: int = 0
    settled: bool = False
    evicted: bool = False

    def to_dict(self, *, with_plan: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "lane": self.lane,
            "headers": self.headers,
            "body": self.body,
            "scenario": self.scenario,
            "faults": list(self.faults),
            "status": self.status,
            "outcome": self.outcome,
            "bytes_sent": self.bytes_sent,
        }
        if self.body_truncated:
            data.update(body_truncated=True, body_size=self.body_size,
                        body_sha256=self.body_sha256)
        if self.error:
            data["error"] = self.error
        if with_plan and self.plan is not None:
            data["sent"] = self.plan.describe().splitlines()
        elif with_plan and self.sent is not None:
            data["sent"] = self.sent
        safe: dict[str, Any] = json_safe(data)
        return safe


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "backslashreplace")


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
    small, else the text of `raw`; above `BODY_KEEP` its first 64 KiB, size and sha256."""
    entry.body_size = len(raw)
    if len(raw) <= BODY_KEEP:
        entry.body = parsed if parsed is not None else (_text(raw) if raw else None)
        entry.body_cost = _parsed_cost(raw) if parsed is not None else len(raw)
        return
    entry.body = _text(raw[:BODY_KEEP])
    entry.body_cost = BODY_KEEP
    entry.body_truncated = True
    entry.body_sha256 = hashlib.sha256(raw).hexdigest()


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
    if total <= BODY_KEEP and len(kept) < 1000:
        kept.append(message)
        entry.body_cost += _parsed_cost(raw) if not isinstance(message, str) else size
        return
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    room = max(0, BODY_KEEP - (total - size))
    kept.append(_text(data[:room]))
    entry.body_cost += room
    entry.body_truncated = True
    entry.body_sha256 = hashlib.sha256(data).hexdigest()


def _plan_bytes(plan: WirePlan, bytes_sent: int) -> int:
    if isinstance(plan.ops, LazyOps):  # rendered again on demand: it holds what renders it
        return bytes_sent
    return sum(len(op.data) for op in plan.ops if isinstance(op, Write))


def settle(entry: JournalEntry) -> int:
    """Size the finished entry (and set `entry.size`); a large answer, or a plan that may hold
    a large request (its body was kept truncated), is replaced by its transcript. Returns the
    size."""
    plan = entry.plan
    size = _ENTRY_OVERHEAD + entry.body_cost
    size += sum(len(k) + len(v) + 2 * _PER_JSON_VALUE for k, v in entry.headers.items())
    if entry.body is not None and not entry.body_cost:  # set directly (the GET form)
        size += 1024
    if plan is not None:
        held = _plan_bytes(plan, entry.bytes_sent)
        if held > BODY_KEEP or entry.body_truncated:
            entry.sent = plan.describe().splitlines()
            entry.plan = None
        else:
            size += held + 64 * len(plan.faults)
    if entry.sent is not None:
        size += sum(len(line) for line in entry.sent)
    entry.size = size
    entry.settled = True
    return size
