"""mockserver: a fake OpenAI-compatible upstream, faithful by default and broken on request."""

from mockserver._version import __version__

__all__ = ["__version__"]
