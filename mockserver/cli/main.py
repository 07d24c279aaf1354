"""The `mockserver` command: serve, faults, scenarios, play, diff.

mockserver serve [--host] [--port] [--scenarios PATH] [--scenario NAME] [--fault SPEC]...
                 [--chaos RATE] [--seed N] [--timing fast|realistic] [--models LIST]
                 [--api-key KEY] [--admin-token TOKEN] [--workers N] [--state URL]
                 [--header-timeout S] [--journal-max-mb MB] [--quiet]
                 [--upstream [PREFIX=]URL]... [--upstream-timeout S] [--record DIR]
                 [--http auto|httptools|h11] [--loop auto|uvloop|asyncio]
mockserver faults                 the fault catalogue: name, layer, params, client symptom
mockserver scenarios [--scenarios PATH]
mockserver play FILE [--path P] [--stream/--no-stream] [--seed N] [--message TEXT]
mockserver diff DIR               recorded real answers against what the mock renders
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from mockserver._version import __version__
from mockserver.errors import ConfigError, MockServerError

__all__ = ["main", "build_parser"]


def _add_scenarios_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenarios",
        metavar="PATH",
        action="append",
        default=[],
        help="load scenarios from a YAML/JSON file or a directory (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="A fake OpenAI-compatible upstream: faithful by default, broken on request.",
    )
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the mock server", description="Run the mock server.")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=8000, help="port; 0 picks a free one (default 8000)"
    )
    _add_scenarios_arg(serve)
    serve.add_argument(
        "--scenario", metavar="NAME", help="play this named scenario for every request"
    )
    serve.add_argument(
        "--fault",
        metavar="SPEC",
        action="append",
        default=[],
        help="add a fault to every request, e.g. 'close(after=2, mode=reset)' (repeatable)",
    )
    serve.add_argument(
        "--chaos",
        type=float,
        default=0.0,
        metavar="RATE",
        help="share of requests (0..1) that get a seeded random fault",
    )
    serve.add_argument(
        "--seed", type=int, default=0, help="seed for ids, jitter and chaos (default 0)"
    )
    serve.add_argument(
        "--timing",
        choices=("fast", "realistic"),
        default=None,
        help="fast: no delays at all, not even a scenario's (recorded) timing; realistic: "
        "first-token latency and chunk gaps where a scenario sets none (default: a scenario's "
        "own timing, else none)",
    )
    serve.add_argument(
        "--models", metavar="LIST", default="", help="extra model ids, comma-separated"
    )
    serve.add_argument(
        "--api-key", metavar="KEY", help="require this API key (default: accept any)"
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        default=os.environ.get("MOCKSERVER_ADMIN_TOKEN") or None,
        help="require Bearer TOKEN on /_mock/ (mandatory off loopback; default: the "
        "MOCKSERVER_ADMIN_TOKEN environment variable, as in the container image)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="N processes answering on the port (SO_REUSEPORT, Linux); lanes then need --state",
    )
    serve.add_argument(
        "--state",
        metavar="URL",
        help="keep lanes, queues and the journal in Redis, shared by every worker and machine: "
        "redis://HOST:PORT/DB (needs the redis extra)",
    )
    serve.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="close a connection that has not sent complete request headers in this time "
        "(slowloris; default 10, 0 turns it off)",
    )
    serve.add_argument(
        "--journal-max-mb",
        type=float,
        metavar="MB",
        help="the journal's total size cap, in process or in Redis with --state; each lane "
        "gets a quarter (default 64)",
    )
    serve.add_argument("--quiet", action="store_true", help="no per-request log lines")
    serve.add_argument(
        "--upstream",
        metavar="[PREFIX=]URL",
        action="append",
        default=[],
        help="forward what no scenario answers to URL (path appended), faults applied live; "
        "PREFIX=URL for the paths under PREFIX, e.g. /api=http://127.0.0.1:11434 (repeatable)",
    )
    serve.add_argument(
        "--upstream-timeout", type=float, default=60.0, metavar="S",
        help="seconds to wait for the upstream (connect, head, each read): 502/504 (default 60)",
    )
    serve.add_argument(
        "--record", metavar="DIR",
        help="save each proxied exchange as a scenario file in DIR (secrets redacted); replay "
        "them with --scenarios DIR",
    )
    serve.add_argument(
        "--http",
        choices=("auto", "httptools", "h11"),
        default="auto",
        help="HTTP implementation (default auto: httptools when installed, else h11)",
    )
    serve.add_argument(
        "--loop",
        choices=("auto", "uvloop", "asyncio"),
        default="auto",
        help="event loop (default auto: uvloop when installed, else asyncio)",
    )

    sub.add_parser("faults", help="list the fault catalogue", description="List every fault.")

    scen = sub.add_parser(
        "scenarios", help="list named scenarios", description="List named scenarios."
    )
    _add_scenarios_arg(scen)

    play = sub.add_parser(
        "play",
        help="print the exact bytes a scenario sends",
        description="Compile a scenario file and print its wire plan.",
    )
    play.add_argument("file", help="scenario file (YAML or JSON; the first scenario is played)")
    play.add_argument("--path", default="/v1/chat/completions",
                      help="API path to render for: an OpenAI or Anthropic path, or a provider "
                      "route such as /model/<model id>/converse-stream or "
                      "/openai/deployments/<name>/chat/completions")
    play.add_argument("--no-stream", action="store_true", help="render the non-streamed answer")
    play.add_argument("--seed", type=int, default=None, help="override the scenario seed")
    play.add_argument("--message", default="Hello", help="the user message of the request")
    play.add_argument("--model", default="gpt-4.1", help="the model of the request")
    play.add_argument("--index", type=int, default=0, help="which scenario of the file (default 0)")

    diff = sub.add_parser(
        "diff",
        help="compare recorded real answers with what the mock renders",
        description="For each recording in DIR (`serve --record DIR`), render the same content "
        "with the mock's faithful renderer and print where they differ: field names and order, "
        "event types and order, headers. Exit code 1 when anything differs.",
    )
    diff.add_argument("dir", metavar="DIR", help="a directory (or file) of recordings")
    return parser


def _load(paths: Sequence[str]) -> list[Any]:
    if not paths:
        return []  # no --scenarios: PyYAML and the loader stay off the start-up path
    from mockserver.cli.loader import load_scenarios

    out: list[Any] = []
    for path in paths:
        out.extend(load_scenarios(path))
    return out


def _stack_line_to_stderr() -> None:
    """The stack line (`mockserver.stack` logger) goes to stderr: stdout keeps the start line
    first and then one line per request."""
    stack_log = logging.getLogger("mockserver.stack")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    stack_log.addHandler(handler)
    stack_log.propagate = False


def _serve(args: argparse.Namespace) -> int:
    from mockserver.core.scenario import REALISTIC_TIMING
    from mockserver.faults import parse_faults
    from mockserver.transport.security import check_bind
    from mockserver.transport.server import MockServer
    from mockserver.transport.state import ServerConfig

    check_bind(args.host, args.admin_token)
    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}")
    if not 0.0 <= args.chaos <= 1.0:
        raise ConfigError(f"--chaos must be between 0 and 1, got {args.chaos}")
    if not args.upstream_timeout > 0:
        raise ConfigError(f"--upstream-timeout must be > 0 seconds, got {args.upstream_timeout}")
    if args.record and not args.upstream:
        raise ConfigError("--record needs --upstream: it records what the upstream answers")
    upstreams: tuple[Any, ...] = ()
    if args.upstream:
        from mockserver.transport.upstreams import parse_upstream

        upstreams = tuple(parse_upstream(value) for value in args.upstream)
    faults = tuple(f for spec in args.fault for f in parse_faults(spec))
    scenarios = _load(args.scenarios)
    config = ServerConfig(
        host=args.host,
        api_key=args.api_key,
        admin_token=args.admin_token,
        chaos=args.chaos,
        seed=args.seed,
        timing=REALISTIC_TIMING if args.timing == "realistic" else None,
        fast=args.timing == "fast",
        models=tuple(m for m in args.models.split(",") if m.strip()),
        faults=faults,
        scenario=args.scenario,
        log=not args.quiet,
        header_timeout=args.header_timeout or None,
        **({} if args.journal_max_mb is None else {"journal_max_mb": args.journal_max_mb}),
        upstreams=upstreams,
        upstream_timeout=args.upstream_timeout,
        record_dir=args.record,
    )
    if args.scenario and args.scenario not in {s.name for s in scenarios}:
        from mockserver.fixtures.library import builtin_scenarios

        if args.scenario not in {s.name for s in builtin_scenarios()}:
            raise ConfigError(
                f"--scenario: unknown scenario {args.scenario!r} (see `mockserver scenarios`)"
            )
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    _stack_line_to_stderr()
    if args.workers > 1 or args.state:
        return _serve_workers(args, config, scenarios)
    # the built-in library is read on first use; --scenarios files are read above and win
    server = MockServer(args.host, args.port, config=config, http=args.http, loop=args.loop)
    for scenario in scenarios:
        server.state.add_library(scenario)

    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.start()
    print(f"mockserver listening on {server.url} (inspector: {server.inspector_url})", flush=True)
    _announce_upstreams(upstreams)
    while server.running and not stopping.wait(0.1):
        pass
    # SIGTERM or Ctrl-C: stop within 2 s whatever is in flight. uvicorn closes idle and
    # half-sent connections at once and gives streams 0.5 s; a server thread still busy
    # after that is a daemon and ends with the process.
    server.stop(timeout=0.6)
    return 0


def _serve_workers(args: argparse.Namespace, config: Any, scenarios: list[Any]) -> int:
    """`serve --workers N` and/or `--state URL` (transport/workers.py)."""
    from mockserver.transport.stack import choose_stack
    from mockserver.transport.workers import WorkerSpec, serve

    lanes = "lane operations refused (no --state)"
    if args.state:
        from mockserver.transport.redis_url import check_state_url, redacted

        warning = check_state_url(args.state)
        if warning:
            print(f"mockserver: warning: {warning}", file=sys.stderr, flush=True)
        lanes = f"lanes in {redacted(args.state)}"
    spec = WorkerSpec(config=config, host=args.host, port=args.port, workers=args.workers,
                      state_url=args.state, scenarios=tuple(scenarios), http=args.http,
                      loop=args.loop)
    stack = choose_stack(args.http, args.loop)  # each worker chooses the same
    logging.getLogger("mockserver.stack").log(
        logging.WARNING if stack.missing else logging.INFO, stack.line())

    def announce(port: int) -> None:
        print(f"mockserver listening on http://{args.host}:{port}", flush=True)
        print(f"mockserver: {args.workers} worker(s), {lanes}", file=sys.stderr, flush=True)
        _announce_upstreams(config.upstreams)

    serve(spec, announce)
    return 0


def _announce_upstreams(upstreams: Sequence[Any]) -> None:
    for upstream in upstreams:
        print(f"mockserver forwards {upstream.prefix or 'every path'} to {upstream.url}",
              flush=True)


def _faults() -> int:
    from mockserver.faults import catalog

    for entry in catalog():
        params = ", ".join(
            p["name"] + ("=" + "|".join(map(str, p["choices"])) if "choices" in p else "")
            for p in entry["params"]
        )
        signature = f"{entry['name']}({params})" if params else entry["name"]
        print(f"{signature}  [{entry['layer']}: {', '.join(entry['framings'])}]")
        print(f"    {entry['symptom']}")
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    from mockserver.fixtures.library import builtin_scenarios

    for scenario in list(builtin_scenarios()) + _load(args.scenarios):
        faults = "; ".join(f.spec() for f in scenario.faults)
        kinds = ", ".join(
            f"error {r.error.status}" if r.error else ("ws" if r.ws else "stream")
            for r in scenario.responses
        )
        print(f"{scenario.name or '(unnamed)'}: {kinds}{'  faults: ' + faults if faults else ''}")
    return 0


def _play(args: argparse.Namespace) -> int:
    from mockserver.cli.playback import describe_timeline, plan_for_file

    plan = plan_for_file(
        args.file,
        index=args.index,
        api_path=args.path,
        stream=not args.no_stream,
        seed=args.seed,
        message=args.message,
        model=args.model,
    )
    sys.stdout.write(describe_timeline(plan))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "faults":
            return _faults()
        if args.command == "scenarios":
            return _scenarios(args)
        if args.command == "play":
            return _play(args)
        if args.command == "diff":
            from mockserver.cli.diff import run_diff

            return int(run_diff(args.dir))
    except (MockServerError, OSError) as exc:
        print(f"mockserver: error: {exc}", file=sys.stderr)
        return 2
    parser.print_help()
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
