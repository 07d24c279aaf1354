"""The public names of SPEC section 1 and 6 import from where users expect them."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

PUBLIC = {
    "mockserver": ["__version__", "MockServer", "Scenario", "parse_faults"],
    "mockserver.sse": ["encode_event", "encode_comment", "DONE", "SSEDecoder", "ServerSentEvent"],
    "mockserver.faults": ["Fault", "registry", "parse_faults", "catalog"],
    "mockserver.core.scenario": ["Scenario", "Response", "ToolCall", "Timing", "Match"],
    "mockserver.core.plan": ["WirePlan", "Start", "Write", "Sleep", "Close"],
    "mockserver.core.compile": ["compile_plan"],
    "mockserver.transport.server": ["MockServer"],
    "mockserver.fixtures": ["check_sse_parser"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names_are_exported(module: str) -> None:
    mod = importlib.import_module(module)
    for name in PUBLIC[module]:
        assert hasattr(mod, name), f"{module}.{name}"
        if hasattr(mod, "__all__") and not name.startswith("__"):
            assert name in mod.__all__, f"{name} missing from {module}.__all__"


def test_mapped_packages_install_under_the_mockserver_namespace() -> None:
    fixtures = importlib.import_module("mockserver.fixtures")
    plugin = importlib.import_module("mockserver.pytest_plugin")
    assert fixtures.__name__ == "mockserver.fixtures"
    assert plugin.__name__ == "mockserver.pytest_plugin"
    assert importlib.import_module("mockserver.fixtures.library").builtin_scenarios()


def test_pytest11_entry_point_is_registered() -> None:
    from importlib.metadata import entry_points

    names = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert names.get("mockserver") == "mockserver.pytest_plugin"


def test_importing_mockserver_loads_no_server_until_a_name_is_used():
    probe = ("import json, sys, mockserver; before = sorted(m for m in sys.modules "
             "if m.startswith('mockserver.')); mockserver.MockServer; "
             "print(json.dumps([before, 'mockserver.transport.server' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [["mockserver._version"], True]
