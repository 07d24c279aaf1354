"""The `mockserver` command and the helpers only it needs: reading scenario files (`loader`),
`mockserver play` (`playback`) and the README fault table (`table`)."""

from mockserver.cli.main import build_parser, main

__all__ = ["main", "build_parser"]
