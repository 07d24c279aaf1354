"""pytester set-up for the plugin tests: the inner runs get the project's strict settings.

The plugin is active in inner runs through its `pytest11` entry point (the package is
installed editable), exactly as in a downstream project.

In-process inner runs forget the modules first imported inside them, but the fault registry
(imported out here already) caches its classes: load every fault module here, before any
inner run, so the cached classes keep their modules (their type hints are read from them).
Without this the plugin tests pass only after another test has filled the registry.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.faults import registry

registry()

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

INI = """
[pytest]
addopts = -p no:cacheprovider -p no:randomly
filterwarnings = error
xfail_strict = true
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester directory with the strict ini and the example naive client importable."""
    pytester.makeini(INI)
    pytester.makepyfile(naive_client=(EXAMPLES / "naive_client.py").read_text("utf-8"))
    return pytester
