"""`python -m tools.outcomes`: see cli.py."""

from tools.outcomes.cli import main

__all__: list[str] = []

raise SystemExit(main())
