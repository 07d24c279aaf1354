"""The Dockerfile and compose.yaml agree with the command they run: every flag parses with
`mockserver serve`'s own parser, the image runs as non-root, the health check reaches
/_mock/health on the port served (and works against a real server with the admin token),
and compose points --state at its own Redis service.

The image itself is built where a Docker daemon runs (`docker build -t mockserver .`); these
checks keep the files honest where none does, as in CI here."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from mockserver import MockServer
from mockserver.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile's last stage, continuations joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    found = [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1]) for ln in lines]
    last_from = max(i for i, (op, _) in enumerate(found) if op == "FROM")
    return found[last_from:]


def _one(op: str) -> str:
    values = [args for name, args in _instructions() if name == op]
    assert len(values) == 1, f"expected one {op} in the final stage, got {values}"
    return values[0]


def _serve_args(argv: list[str]) -> list[str]:
    assert argv[:2] == ["mockserver", "serve"], argv
    return argv[2:]


def test_image_runs_serve_on_its_exposed_port_as_a_non_root_user() -> None:
    entry = _serve_args(json.loads(_one("ENTRYPOINT")))
    args = build_parser().parse_args(["serve", *entry, *json.loads(_one("CMD"))])
    assert args.host == "0.0.0.0" and args.port == int(_one("EXPOSE"))
    user = _one("USER")
    assert user not in ("root", "0") and not user.startswith("0:")


def test_image_copies_every_source_folder_the_package_installs_from() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    folders = set(re.findall(r'"mockserver[.\w]*" = "(\w+)"', pyproject))
    text = (ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+) ", text, re.MULTILINE))
    assert folders and folders <= copied


def test_health_check_passes_against_a_server_with_the_admin_token() -> None:
    check = _one("HEALTHCHECK")
    assert "--interval" in check and "/_mock/health" in check
    argv = json.loads(check.split("CMD", 1)[1])
    assert argv[:2] == ["python", "-c"]
    port = str(int(_one("EXPOSE")))
    with MockServer(admin_token="s3cret") as server:
        code = argv[2].replace(f"127.0.0.1:{port}", f"127.0.0.1:{server.port}")
        run = [sys.executable, "-c", code]
        ok = subprocess.run(run, env={"MOCKSERVER_ADMIN_TOKEN": "s3cret"}, timeout=30,
                            capture_output=True)
        refused = subprocess.run(run, env={"MOCKSERVER_ADMIN_TOKEN": "wrong"}, timeout=30,
                                 capture_output=True)
    assert ok.returncode == 0, ok.stderr
    assert refused.returncode != 0 and b"401" in refused.stderr


def test_compose_runs_workers_against_its_own_redis_with_flags_serve_accepts() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    mock = services["mockserver"]
    command = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", mock["command"])  # the defaults
    entry = _serve_args(json.loads(_one("ENTRYPOINT")))
    args = build_parser().parse_args(["serve", *entry, *shlex.split(command)])
    assert args.workers > 1 and args.state.startswith("redis://")
    redis_host = args.state.split("//", 1)[1].split(":", 1)[0]
    assert redis_host in services and "redis-server" in services[redis_host]["command"]
    assert mock["depends_on"][redis_host]["condition"] == "service_healthy"
    assert "MOCKSERVER_ADMIN_TOKEN" in mock["environment"]
    published = [p.rsplit(":", 1) for p in mock["ports"]]
    assert [(host.startswith("127.0.0.1"), int(inside)) for host, inside in published] == [
        (True, int(_one("EXPOSE")))]
