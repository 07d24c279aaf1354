"""Journal entries: what one request held and what the server sent, kept small and printable.

    JournalEntry        one request (or one WebSocket connection) as the server saw it: its
                        body as kept (the parsed JSON, or the text of what came in, bytes
                        that are not UTF-8 shown backslash-escaped; past 64 KiB cut, with the
                        full size and its sha256), the plan played or its transcript (`sent`),
                        and what the inspector shows (`started`, `protocol`, `marks`)

Every entry serialises to strict JSON (`to_dict` goes through `strict_json.json_safe`), so
`GET /_mock/journal` answers whatever a request held. How a body is cut, what an entry
counts and the caps (per lane, in total, number of lanes) are journal_bounds.py's, shared by
the in-process lanes (state.py) and the Redis ones (redis_store.py).

An entry is a plain dataclass (no `__slots__`): the inspector's feed holds weak references
to entries (a slots dataclass would need `weakref_slot=True`), and a remote server's entries
carry their `timeline` as an extra attribute (pytest_plugin/remote.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.plan import WirePlan
from mockserver.core.strict_json import json_safe

__all__ = ["JournalEntry"]


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
    #: wall-clock time of arrival (seconds since the epoch), for the inspector and reports
    started: float = field(default_factory=time.time)
    #: "http" or "ws"
    protocol: str = "http"
    #: (seconds since the first op, op index) per op played, recorded only while the
    #: inspector watches (`JournalFeed.capture`); None otherwise
    marks: list[tuple[float, int]] | None = None
    #: the upstream URL when the request was proxied (SPEC 10)
    upstream: str | None = None
    #: bytes this entry counts against the journal caps (set by `settle`); its body's part
    size: int = 0
    body_cost: int = 0
    settled: bool = False
    evicted: bool = False

    @property
    def proxied(self) -> bool:
        return self.upstream is not None

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
            "started": self.started,
            "protocol": self.protocol,
        }
        if self.body_truncated:
            data.update(body_truncated=True, body_size=self.body_size,
                        body_sha256=self.body_sha256)
        if self.error:
            data["error"] = self.error
        if self.upstream is not None:
            data["proxied"], data["upstream"] = True, self.upstream
        if with_plan and self.plan is not None:
            data["sent"] = self.plan.describe().splitlines()
        elif with_plan and self.sent is not None:
            data["sent"] = self.sent
        safe: dict[str, Any] = json_safe(data)
        return safe
