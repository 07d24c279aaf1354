"""Which HTTP parser and event loop a server runs on, with a logged fallback.

    choose_stack(http="auto", loop="auto") -> Stack(http, loop, missing)

    http   auto | httptools | h11     auto: httptools when it imports, else h11
    loop   auto | uvloop | asyncio    auto: uvloop when it imports, else asyncio

The fast stack (httptools + uvloop, what `uvicorn[standard]` and so FastAPI users get) is
the default because it is what users run, and it is the faster one. h11 + asyncio (pure
Python, always there with uvicorn) is the fallback: a stack that is asked for but does not
import, even by name, falls back with one log line saying so (`Stack.line()`), never an error.
Every fault plays the same on both (the players reach the transport the same way, see
`_internals.py`), and the test suite runs the fault, endpoint and WebSocket tests on both.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from mockserver.errors import ConfigError

__all__ = ["Stack", "choose_stack", "HTTP_CHOICES", "LOOP_CHOICES"]

HTTP_CHOICES = ("auto", "httptools", "h11")
LOOP_CHOICES = ("auto", "uvloop", "asyncio")

#: the fast choice of each option, and what it falls back to
_FAST = {"http": ("httptools", "h11"), "loop": ("uvloop", "asyncio")}


@dataclass(frozen=True)
class Stack:
    """The chosen HTTP implementation and event loop; `missing` names what did not import."""

    http: str
    loop: str
    missing: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.http} + {self.loop}"

    def line(self) -> str:
        """One line for the log: the stack, and why it is not the asked-for one if so."""
        if not self.missing:
            return f"mockserver: HTTP by {self.http}, event loop {self.loop}"
        return (f"mockserver: {' and '.join(self.missing)} not installed, falling back to "
                f"HTTP by {self.http}, event loop {self.loop}")


def _imports(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _pick(option: str, asked: str, choices: tuple[str, ...], missing: list[str]) -> str:
    if asked not in choices:
        raise ConfigError(f"--{option}: expected one of {', '.join(choices)}, got {asked!r}")
    fast, fallback = _FAST[option]
    if asked == fallback:
        return fallback
    if _imports(fast):
        return fast
    missing.append(fast)  # auto or asked for by name: never an error, but said
    return fallback


def choose_stack(http: str = "auto", loop: str = "auto") -> Stack:
    """The stack to serve on: `auto` prefers httptools and uvloop when they import.

    Raises ConfigError only for a value that is not a choice (naming the option)."""
    missing: list[str] = []
    chosen_http = _pick("http", http, HTTP_CHOICES, missing)
    chosen_loop = _pick("loop", loop, LOOP_CHOICES, missing)
    return Stack(chosen_http, chosen_loop, tuple(missing))
