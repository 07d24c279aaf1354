"""One log line per failure, and a traceback only the first time a failure is seen.

A server under fuzzing can meet the same bug ten thousand times: a traceback each time was
37 MB of stderr in one campaign. `log_failure` prints the traceback for the first exception
of each kind (its type and the line that raised it) and one short line for every repeat,
so the log stays readable and its size grows by a line per request, whatever comes in.
"""

from __future__ import annotations

import logging
import threading

__all__ = ["log_failure", "short"]

log = logging.getLogger("mockserver")

_SEEN: set[tuple[str, str, int]] = set()
_SEEN_LIMIT = 256
_lock = threading.Lock()


def short(text: str, limit: int = 200) -> str:
    """`text` on one line, at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _key(exc: BaseException) -> tuple[str, str, int]:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno) if tb is not None else ("", 0)
    return type(exc).__qualname__, where[0], where[1]


def log_failure(what: str, exc: BaseException) -> None:
    """Log `exc` (raised while doing `what`): with its traceback the first time this kind of
    failure happens, as one line after that."""
    key = _key(exc)
    with _lock:
        first = key not in _SEEN and len(_SEEN) < _SEEN_LIMIT
        if first:
            _SEEN.add(key)
    if first:
        log.error("mockserver: %s", what, exc_info=exc)
    else:
        log.error("mockserver: %s: %s (traceback shown once)", what, short(repr(exc)))
