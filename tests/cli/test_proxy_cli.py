"""`mockserver serve --upstream URL --record DIR` and `mockserver diff DIR` as users run them:
real subprocesses, a second mockserver as the upstream, 127.0.0.1 only."""

from __future__ import annotations

import io
import re
import signal
import subprocess
from pathlib import Path

import openai
import pytest
import yaml

from mockserver import MockServer
from mockserver.cli.diff import run_diff
from tests.cli.test_cli import CMD, read_line, run


def _record(upstream: MockServer, directory: Path) -> None:
    with subprocess.Popen(
        [*CMD, "serve", "--port", "0", "--quiet", "--upstream", upstream.url,
         "--record", str(directory)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as proc:
        try:
            first = read_line(proc)
            match = re.fullmatch(r"mockserver listening on (http://127\.0\.0\.1:\d+) "
                                 r"\(inspector: \S+/_mock/ui\)", first)
            assert match, first
            assert read_line(proc) == f"mockserver forwards every path to {upstream.url}"
            client = openai.OpenAI(base_url=match.group(1) + "/v1", api_key="sk-test",
                                   max_retries=0, timeout=10)
            stream = client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "record"}], stream=True,
                stream_options={"include_usage": True})
            assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == \
                "You said: record"
            answer = client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "whole"}])
            assert answer.choices[0].message.content == "You said: whole"
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=10) == 0


def test_record_through_the_cli_then_diff_finds_nothing_and_then_each_difference(
        tmp_path: Path) -> None:
    with MockServer() as upstream:
        _record(upstream, tmp_path)
    files = sorted(tmp_path.glob("*.yaml"))
    assert len(files) == 2
    clean = run("diff", str(tmp_path))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "2 recording(s), 0 with differences" in clean.stdout

    stream_file = next(f for f in files if "events" in f.read_text())
    doc = yaml.safe_load(stream_file.read_text())
    doc["recorded"]["headers"]["x-upstream-only"] = "1"
    doc["recorded"]["events"].insert(1, {"event": "ping", "data": "{}"})
    first = doc["recorded"]["events"][0]
    first["data"] = first["data"].replace('"object"', '"kind":"x","object"', 1)
    stream_file.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    found = run("diff", str(tmp_path))
    assert found.returncode == 1
    assert "headers: only the real API sends x-upstream-only" in found.stdout
    assert re.search(r"events: real role ping content\+ finish usage done", found.stdout)
    assert re.search(r"fields of `role` events: only the real API has kind", found.stdout)
    assert "2 recording(s), 1 with differences" in found.stdout


def test_diff_of_a_directory_without_recordings_says_so(tmp_path: Path) -> None:
    (tmp_path / "plain.yaml").write_text("name: plain\nresponse: {text: hi}\n")
    out = io.StringIO()
    assert run_diff(str(tmp_path), out=out) == 2
    assert "no recordings in" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--upstream", "localhost:8000"), "expected an http(s) URL"),
        (("--record", "/tmp/x"), "--record needs --upstream"),
        (("--upstream", "http://127.0.0.1:9", "--upstream-timeout", "0"),
         "--upstream-timeout must be > 0"),
    ],
)
def test_bad_proxy_options_exit_2_with_a_clear_message(
        args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    from mockserver.cli.main import main  # refused before any server starts: in-process

    assert main(["serve", "--port", "0", *args]) == 2
    assert message in capsys.readouterr().err
