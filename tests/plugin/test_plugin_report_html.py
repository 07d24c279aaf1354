"""`--mockserver-report report.html` from real inner runs: the resilience matrix and the
failing tests with their transcripts and measured wire timelines, in one static file that
needs nothing else. (Across xdist workers: tests/plugin/test_plugin_session.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

INNER = """
import httpx
import pytest
from naive_client import naive_chat

def read(url, fault=None):
    headers = {"x-mock-fault": fault} if fault else {}
    body = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    with httpx.stream("POST", url + "/chat/completions", json=body, headers=headers) as r:
        return b"".join(r.iter_raw())

def test_matrix(mockserver):
    mockserver.resilience(naive_chat, faults=["close(after=2, mode=clean)", "missing_done"])

def test_passes(mockserver):
    mockserver.stream("fine")
    assert read(mockserver.base_url)

def test_cut_stream(mockserver):
    mockserver.stream("Hello there, world", faults=["close(after=2, mode=reset)"])
    read(mockserver.base_url)  # raises: the stream is reset after two events
"""


def report_data(path: Path) -> dict[str, Any]:
    """The JSON the report page starts from (its data block), and checks it fetches nothing."""
    html = path.read_text("utf-8")
    assert html.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:)""", html)
    assert "connect-src 'none'" in html  # a static file: not even its own origin
    block = re.search(r'<script type="application/json" id="inspector-data">(.*?)</script>',
                      html, re.S)
    assert block is not None
    data: dict[str, Any] = json.loads(block.group(1))
    return data


def check(data: dict[str, Any]) -> None:
    assert data["mode"] == "report" and data["seed"] == 5
    matrix = data["matrix"]
    (client,) = matrix["clients"]
    assert client.endswith("::test_matrix [naive_chat]")
    assert matrix["faults"] == ["(none)", "close(after=2, mode=clean)", "missing_done"]
    cut = matrix["cells"]["close(after=2, mode=clean)"][client]
    assert (cut["kind"], cut["outcome"]) == ("silent_truncation", "silent_truncation")
    (test,) = data["tests"]  # only the failing test, not the passing ones
    assert test["nodeid"].endswith("::test_cut_stream") and test["when"] == "call"
    assert "ReadError" in test["message"] and test["requests"] == 1
    assert "CLOSE reset" in test["transcript"]
    (request,) = data["requests"]
    assert request["test"] == test["nodeid"] and request["outcome"] == "reset"
    assert request["faults"] == ["close(after=2, mode=reset)"]
    timeline = request["timeline"]
    assert timeline["measured"] is True  # the session's server recorded when ops went out
    assert [op["op"] for op in timeline["ops"]] == ["start", "write", "write", "close"]
    assert timeline["ops"][-1]["mode"] == "reset" and timeline["ops"][-1]["t"] is not None
    assert timeline["faults"][0]["op"] == 3


def test_html_report_holds_the_matrix_and_the_failing_stream_with_its_timeline(suite):
    suite.makepyfile(INNER)
    report = suite.path / "out" / "report.html"
    result = suite.runpytest_inprocess(f"--mockserver-report={report}", "--mockserver-seed=5")
    result.assert_outcomes(passed=2, failed=1)
    check(report_data(report))
    noscript = report.read_text("utf-8").split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "silent_truncation" in noscript and "CLOSE reset" in noscript  # readable without JS


def test_without_an_html_report_the_player_records_no_times(suite):
    suite.makepyfile(INNER + """
def test_unwatched(mockserver):
    mockserver.stream("fine")
    read(mockserver.base_url)
    assert mockserver.requests[0].marks is None  # the hot path, untouched
""")
    report = suite.path / "matrix.md"
    result = suite.runpytest_inprocess(f"--mockserver-report={report}", "-k", "cut or unwatched")
    result.assert_outcomes(passed=1, failed=1)
    assert report.read_text().startswith("# mockserver resilience matrix")
    result.stdout.fnmatch_lines(["*CLOSE reset*"])  # the text transcript, as before
