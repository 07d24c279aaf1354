"""The `mockserver` command as users run it: a real subprocess, a real client, Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openai
import pytest

from mockserver import __version__

CMD = [sys.executable, "-m", "mockserver"]


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, *args], capture_output=True, text=True, timeout=timeout)


def read_line(proc: subprocess.Popen[str], timeout: float = 15) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            return line.strip()
        if proc.poll() is not None:
            break
    raise AssertionError(f"no line from mockserver (exit {proc.poll()})")


def test_serve_port_0_streams_logs_and_exits_cleanly_on_ctrl_c() -> None:
    with subprocess.Popen(
        [*CMD, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        _drive_serve(proc)


@pytest.mark.parametrize(("args", "line"), [
    ((), "mockserver: HTTP by httptools, event loop uvloop"),
    (("--http", "h11", "--loop", "asyncio"), "mockserver: HTTP by h11, event loop asyncio"),
])
def test_serve_names_its_stack_on_stderr_and_serves_on_it(args: tuple[str, ...],
                                                          line: str) -> None:
    with subprocess.Popen(
        [*CMD, "serve", "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        _drive_serve(proc)  # stdout: the start line first, then one line per request
        assert proc.stderr is not None
        assert proc.stderr.read().splitlines() == [line]


def test_serve_rejects_an_unknown_stack_naming_the_option() -> None:
    result = run("serve", "--port", "0", "--http", "fast")
    assert result.returncode == 2
    assert "--http: invalid choice: 'fast'" in result.stderr


def _drive_serve(proc: subprocess.Popen[str]) -> None:
    try:
        first = read_line(proc)
        match = re.fullmatch(
            r"mockserver listening on (http://127\.0\.0\.1:(\d+)) "
            r"\(inspector: http://127\.0\.0\.1:\2/_mock/ui\)", first
        )
        assert match, first
        client = openai.OpenAI(
            base_url=match.group(1) + "/v1", api_key="x", max_retries=0, timeout=10
        )
        stream = client.chat.completions.create(
            model="gpt-4.1", messages=[{"role": "user", "content": "ping"}], stream=True
        )
        assert "".join(c.choices[0].delta.content or "" for c in stream) == "You said: ping"
        log = read_line(proc)
        assert (
            "POST /v1/chat/completions" in log
            and "status=200" in log
            and "outcome=completed" in log
        )
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"mockserver {__version__}"
    for sub in ("serve", "faults", "scenarios", "play"):
        result = run(sub, "--help")
        assert result.returncode == 0 and "usage: mockserver" in result.stdout


def test_faults_lists_every_registered_fault_with_its_symptom() -> None:
    from mockserver.faults import registry

    out = run("faults").stdout
    for name, cls in registry().items():
        assert re.search(rf"^{name}\b", out, re.M), name
        assert cls.symptom()[:40] in out


def test_scenarios_lists_the_builtin_library() -> None:
    out = run("scenarios").stdout
    assert "retry-500-500-200: error 500, error 500, stream" in out


def test_play_prints_exact_bytes_with_timing(tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(
        "name: drop-after-two\nseed: 7\nresponse: {chunks: [Hel, lo]}\n"
        "timing: {first_token_ms: 5, chunk_ms: 2}\nfaults: ['close(after=2, mode=reset)']\n"
    )
    out = run("play", str(file)).stdout
    assert "# faults: close(after=2, mode=reset)" in out
    assert re.search(r"^\s+0\.0ms  HTTP 200$", out, re.M)
    assert re.search(r"^\s+5\.0ms  write \d+B \(events 1\): b'data: \{", out, re.M)
    assert '"delta":{"content":"Hel"}' in out
    assert re.search(r"close reset$", out, re.M)
    assert run("play", str(file)).stdout == out  # same seed, same bytes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("serve", "--host", "0.0.0.0", "--port", "0"), "refusing to bind 0.0.0.0"),
        (
            ("serve", "--port", "0", "--fault", "close(mode=boom)"),
            "parameter 'mode' must be one of",
        ),
        (("serve", "--port", "0", "--scenario", "nope"), "unknown scenario 'nope'"),
        (("serve", "--port", "0", "--chaos", "2"), "--chaos must be between 0 and 1"),
        (("serve", "--port", "0", "--journal-max-mb", "0"), "journal_max_mb: invalid value 0.0"),
        (("serve", "--port", "0", "--header-timeout", "-1"),
         "header_timeout: invalid value -1.0"),
    ],
)
def test_bad_configuration_exits_2_with_a_clear_message(
    args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_bad_scenario_file_names_file_and_field(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("- name: ok\n- name: broken\n  response: {text: 3}\n")
    result = run("play", str(file))
    assert result.returncode == 2
    assert f"{file}: [1].response.text: expected a string, got int 3" in result.stderr
