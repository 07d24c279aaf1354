"""mockserver: a fake OpenAI-compatible upstream, faithful by default and broken on request.

    from mockserver import MockServer, Scenario, parse_faults

    with MockServer() as server:                  # uvicorn on 127.0.0.1, a free port
        server.enqueue({"response": {"text": "hi"}, "faults": ["close(after=1)"]})
        ...

The names load on first use (PEP 562), so `import mockserver` (as the pytest plugin does in
every session) costs no server, Starlette or uvicorn import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mockserver._version import __version__

if TYPE_CHECKING:
    from mockserver.core.scenario import Scenario
    from mockserver.faults import parse_faults
    from mockserver.transport.server import MockServer

__all__ = ["__version__", "MockServer", "Scenario", "parse_faults"]

_LAZY = {
    "MockServer": "mockserver.transport.server",
    "Scenario": "mockserver.core.scenario",
    "parse_faults": "mockserver.faults",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
