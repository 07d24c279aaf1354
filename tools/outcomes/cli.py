"""The command line: `python -m tools.outcomes measure|render|check|drift`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["main", "REGENERATE"]

REGENERATE = "python -m tools.outcomes measure --runs 3"


def _measure(args: argparse.Namespace) -> int:
    from .measure import measure
    from .render import render_files
    from .store import OUTCOMES_JSON, merge, save

    started = time.monotonic()
    runs = []
    for k in range(args.runs):
        runs.append(measure(only=args.only))
        print(f"run {k + 1}/{args.runs}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    report = merge(runs)
    out = Path(args.out) if args.out else OUTCOMES_JSON
    save(report, out)
    print(f"wrote {out}", file=sys.stderr)
    if not args.out and not args.only:
        for path in render_files(report):
            print(f"regenerated {path}", file=sys.stderr)
    return 0


def _render(args: argparse.Namespace) -> int:
    from .render import render_files
    from .store import load

    changed = render_files(load())
    for path in changed:
        print(f"regenerated {path}")
    if not changed:
        print("docs/clients.md and README.md are up to date")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .measure import measure
    from .render import render_files
    from .store import differences, load

    committed = load()
    problems = [f"{p} is not generated from docs/client-outcomes.json"
                for p in render_files(committed, write=False)]
    started = time.monotonic()
    fresh = measure()
    disagreeing = [c for c in fresh["outcomes"] if differences(committed, fresh, only=c)]
    if disagreeing:
        # once more for the clients that disagree: a changed client disagrees again, a
        # run slowed down by a busy machine usually does not
        again = measure(only=disagreeing)
        fresh["outcomes"].update(again["outcomes"])
        fresh["clients"].update(again["clients"])
    problems += differences(committed, fresh)
    took = time.monotonic() - started
    if problems:
        print("The committed client outcomes disagree with a fresh measurement "
              f"({took:.0f} s):")
        for line in problems:
            print(f"  {line}")
        print(f"Regenerate with: {REGENERATE}  (then review the diff of docs/ and README.md)")
        return 1
    print(f"client outcomes agree with docs/client-outcomes.json ({took:.0f} s)")
    return 0


def _drift(args: argparse.Namespace) -> int:
    from .drift import drift
    from .store import differences, load, save

    fresh, kept = drift(load(), pip=args.pip, npm=args.npm, keep=args.keep, only=args.only)
    if args.out:
        save(fresh, Path(args.out))
    committed = load()
    changes = [line for client in fresh["outcomes"]
               for line in differences(committed, fresh, only=client)]
    print(f"drift against docs/client-outcomes.json ({fresh['environment']}):")
    for line in changes or ["no change"]:
        print(f"  {line}")
    if kept:
        print(f"kept the environment in {kept}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.outcomes",
        description="Measure what each client observes under each fault (docs/clients.md).")
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="run the matrix with the pinned clients, write "
                       "docs/client-outcomes.json and regenerate the docs")
    m.add_argument("--runs", type=int, default=1,
                   help="repeat and keep every outcome seen (races show up as several)")
    m.add_argument("--only", action="append", default=[], metavar="CLIENT")
    m.add_argument("--out", help="write the JSON here instead (docs are left alone)")
    m.set_defaults(func=_measure)
    r = sub.add_parser("render", help="regenerate docs/clients.md and the README column")
    r.set_defaults(func=_render)
    c = sub.add_parser("check", help="fresh measurement vs the committed JSON and docs")
    c.set_defaults(func=_check)
    d = sub.add_parser("drift", help="newest releases in a throwaway env vs the committed table")
    d.add_argument("--pip", action="append", default=[], metavar="NAME==VERSION")
    d.add_argument("--npm", action="append", default=[], metavar="NAME@VERSION")
    d.add_argument("--only", action="append", default=[], metavar="CLIENT")
    d.add_argument("--out", help="also write the fresh report here")
    d.add_argument("--keep", action="store_true", help="keep the temp environment")
    d.set_defaults(func=_drift)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code
