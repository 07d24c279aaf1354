"""The pytest plugin (installed as mockserver.pytest_plugin)."""
