"""Deterministic ids, timestamps and padding drawn from a seed, never from the clock.

Each purpose gets its own `random.Random(f"{seed}:{purpose}")` stream (string seeds are hashed
with SHA-512 by CPython, so they do not depend on PYTHONHASHSEED): the same seed gives the same
`chatcmpl-...`, `created`, `x-request-id` and tool-call ids on every run and machine.
"""

from __future__ import annotations

import random
import string

__all__ = ["Ids", "rng_for"]

_BASE62 = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
#: maps every byte to a base62 character (the slight bias is harmless: it is padding)
_BYTE_TO_BASE62 = bytes((_BASE62 * 5)[:256], "ascii")
EPOCH = 1767000000  # 2025-12-29, a fixed base for `created`


def rng_for(seed: int, purpose: str) -> random.Random:
    """An independent random stream for one purpose under one seed."""
    return random.Random(f"{seed}:{purpose}")


class Ids:
    """All identifiers of one response, derived from its seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = rng_for(seed, "ids")

    def _draw(self, alphabet: str, n: int) -> str:
        return "".join(self._rng.choices(alphabet, k=n))

    def base62(self, prefix: str, n: int) -> str:
        return prefix + self._draw(_BASE62, n)

    def hex(self, prefix: str, n: int) -> str:
        return prefix + self._draw(_HEX, n)

    def created(self) -> int:
        return EPOCH + rng_for(self.seed, "created").randrange(0, 86400 * 30)

    def request_id(self) -> str:
        rng = rng_for(self.seed, "request-id")
        return f"req_{rng.getrandbits(128):032x}"

    def fingerprint(self) -> str:
        rng = rng_for(self.seed, "fingerprint")
        return f"fp_{rng.getrandbits(40):010x}"

    def obfuscation(self, rng: random.Random) -> str:
        """Random-length padding like the real API's `obfuscation` field (1-12 chars)."""
        x = rng.getrandbits(100)  # one draw: the length, then up to 12 random bytes
        length = 1 + (x & 0xF) % 12
        return (x >> 4).to_bytes(12, "little")[:length].translate(_BYTE_TO_BASE62).decode()
