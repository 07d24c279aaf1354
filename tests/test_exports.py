"""The public names of SPEC section 1 and 6 import from where users expect them."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "mockserver": ["__version__"],
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
