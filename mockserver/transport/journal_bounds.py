"""How big the journal may grow (SPEC 8), shared by every store of it.

    a request body   kept as it is up to BODY_LIMIT (64 KiB); past that the journal keeps
                     its first 64 KiB as text in `body`, with `body_truncated: true`,
                     `body_size` (the whole body's bytes) and `body_sha256`
    one lane         at most `lane_bytes` of journal (oldest entries go first)
    all lanes        at most `total_bytes`; past it the longest-idle lanes' journals go first

Entries are sized as the compact JSON they are stored as. Whatever a request held, the kept
form serializes: bytes are shown as text with their undecodable bytes escaped (`\\xff`).
The in-process journal (state.py) and the Redis one (redis_store.py) take the same defaults
from here, so `--journal-max-mb` means the same thing for both.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BODY_LIMIT", "DEFAULT_TOTAL_MB", "JournalBounds", "bounded_body", "entry_json", "json_safe",
]

#: request bodies larger than this (as compact JSON, or as sent when the raw bytes are known)
#: are kept truncated, with their size and sha256
BODY_LIMIT = 64 * 1024
#: the default byte cap of the whole journal, in MiB (`--journal-max-mb`)
DEFAULT_TOTAL_MB = 64
_MIB = 1024 * 1024


@dataclass(frozen=True)
class JournalBounds:
    """Byte caps of the journal: per lane and in total (total >= lane >= one large body)."""

    lane_bytes: int = 16 * _MIB
    total_bytes: int = DEFAULT_TOTAL_MB * _MIB

    @classmethod
    def from_max_mb(cls, max_mb: float) -> JournalBounds:
        """The bounds for `--journal-max-mb MB`: that total, a quarter of it per lane (at
        least 1 MiB, at most the total)."""
        if max_mb <= 0:
            raise ValueError(f"--journal-max-mb must be positive, got {max_mb}")
        total = int(max_mb * _MIB)
        return cls(lane_bytes=min(total, max(_MIB, total // 4)), total_bytes=total)


def json_safe(value: Any) -> Any:
    """`value` with bytes (anywhere inside) turned into text, undecodable bytes escaped."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def _compact(value: Any) -> bytes:
    # ensure_ascii: a lone surrogate (JSON allows "\ud800") stays an escape, never invalid UTF-8
    return json.dumps(json_safe(value), separators=(",", ":")).encode()


def bounded_body(body: Any, raw: bytes | None = None, *, limit: int = BODY_LIMIT
                 ) -> dict[str, Any]:
    """The journal's fields for a request body: `{"body": body}` (JSON-safe) up to `limit`
    bytes; past it the first `limit` bytes as text, `body_truncated`, `body_size` and
    `body_sha256`, of `raw` (the bytes as sent) when given, else of the body's compact JSON."""
    data = raw if raw is not None else _compact(body)
    if len(data) <= limit:
        return {"body": json_safe(body)}
    return {
        "body": data[:limit].decode("utf-8", "backslashreplace"),
        "body_truncated": True,
        "body_size": len(data),
        "body_sha256": hashlib.sha256(data).hexdigest(),
    }


def entry_json(entry: dict[str, Any]) -> str:
    """One journal entry as stored: compact JSON, ASCII only, whatever it held."""
    return json.dumps(json_safe(entry), separators=(",", ":"))
