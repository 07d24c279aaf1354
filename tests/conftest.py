"""Shared test configuration: pytester drives the plugin tests in tests/plugin/."""

pytest_plugins = ["pytester"]
