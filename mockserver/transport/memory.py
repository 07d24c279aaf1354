"""Give memory back to the system after a full reset (`POST /_mock/reset`).

Freed Python objects go back to Python's allocator, which returns a 1 MiB arena to the
system only once nothing in it is alive, and to the C heap, which keeps what it freed until
asked. After the journal of thousands of lanes is dropped, `release()` runs the cycle
collector and, on glibc, `malloc_trim(0)`, so the RSS of a long `serve` falls back towards
where it started instead of staying at its peak.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from typing import Any

__all__ = ["release"]


@functools.cache
def _trim() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return getattr(libc, "malloc_trim", None)
    except OSError:  # pragma: no cover - no C library to ask
        return None


def release() -> None:
    """Collect cycles, then ask the C heap to hand free pages back (glibc only)."""
    gc.collect()
    trim = _trim()
    if trim is not None:
        trim(0)
