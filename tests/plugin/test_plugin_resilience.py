"""The resilience matrix: classification, hangs bounded, terminal summary, report files."""

from __future__ import annotations

import json

import pytest

#: faults with a known effect on the naive client of tests/examples/naive_client.py
FAULTS = [
    "close(after=2, mode=clean)",  # the stream ends early, cleanly: returns the partial text
    "close(after=2, mode=abrupt)",  # incomplete chunked read: httpx raises
    "split(mode=every_byte)",  # every event cut across reads: the naive split loses them all
    "missing_done",  # no [DONE]: the naive client returns the full text anyway
]


def test_naive_client_shows_silent_truncation_and_the_report_says_so(suite):
    suite.makepyfile(
        f"""
        import pytest
        from naive_client import naive_chat, careful_chat

        FAULTS = {FAULTS!r}

        def test_naive(mockserver):
            report = mockserver.resilience(naive_chat, faults=FAULTS, timeout=5)
            assert report.outcomes() == {{
                "(none)": "ok",
                "close(after=2, mode=clean)": "silent_truncation",
                "close(after=2, mode=abrupt)": "raised RemoteProtocolError",
                "split(mode=every_byte)": "silent_truncation",
                "missing_done": "ok",
            }}
            assert report["split"].detail.startswith("returned ''")
            with pytest.raises(AssertionError, match="without raising under 2 fault"):
                report.assert_no_silent_failures()

        def test_careful(mockserver):
            report = mockserver.resilience(careful_chat, faults=FAULTS, timeout=5)
            report.assert_no_silent_failures()
            assert report["missing_done"].outcome == "raised ConnectionError"
        """
    )
    report_md = suite.path / "out" / "matrix.md"
    result = suite.runpytest_inprocess(f"--mockserver-report={report_md}")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([
        "*= mockserver resilience matrix =*",
        "test_naive_*::test_naive [[]naive_chat]: 2 ok, 1 raised, 2 silent_truncation",
        "  close(after=2, mode=clean)  *silent_truncation*returned 'The' (3 of 81 chars)",
        "*test_careful [[]careful_chat]: 2 ok, 3 raised",
        f"written to {report_md}",
    ])
    text = report_md.read_text()
    assert text.startswith("# mockserver resilience matrix")
    row = "| `split(mode=every_byte)` | sse | silent_truncation | returned '' (0 of 81 chars) |"
    assert row in text


def test_hanging_client_is_bounded_by_the_timeout_and_json_report(suite):
    suite.makepyfile(
        """
        import httpx

        def blocking_call(base_url):
            # no read timeout: waits for as long as the server stays silent
            with httpx.Client(timeout=None) as client:
                r = client.post(base_url + "/chat/completions",
                                json={"model": "gpt-4.1", "stream": True,
                                      "messages": [{"role": "user", "content": "hi"}]})
                return r.text

        def test_hang(mockserver):
            report = mockserver.resilience(
                blocking_call, faults=["silent(seconds=30)"], timeout=0.5)
            assert report["silent"].outcome == "hang"
            assert report["(none)"].kind == "silent_truncation"  # returns the raw body, not text

        async def async_call(base_url):
            async with httpx.AsyncClient() as client:
                r = await client.post(base_url + "/chat/completions",
                                      json={"model": "gpt-4.1",
                                            "messages": [{"role": "user", "content": "hi"}]})
                r.raise_for_status()
                return r.json()["choices"][0]["message"]["content"]

        def test_async_call(mockserver):
            report = mockserver.resilience(async_call, faults=["status(code=503)"], text="Hi")
            assert report.outcomes() == {
                "(none)": "ok", "status(code=503)": "raised HTTPStatusError"}
        """
    )
    out = suite.path / "matrix.json"
    result = suite.runpytest_inprocess("--mockserver-report", str(out), "--mockserver-seed=5")
    result.assert_outcomes(passed=2)
    data = json.loads(out.read_text())
    assert data["seed"] == 5
    rows = {r["fault"]: r for report in data["reports"] for r in report["rows"]}
    assert rows["silent(seconds=30)"]["outcome"] == "hang"
    assert rows["status(code=503)"]["layer"] == "http"


def test_all_faults_cover_http_observable_layers_with_runnable_specs():
    from mockserver.pytest_plugin.resilience import all_fault_specs

    from mockserver.faults import parse_faults, registry

    specs = all_fault_specs()
    layers = {type(parse_faults(s)[0]).layer for s in specs}
    assert layers <= {"sse", "payload", "http", "tcp", "eventstream"}
    names = {parse_faults(s)[0].name for s in specs}
    assert {"close", "missing_done", "status"} <= names
    assert not any(cls.layer in ("ws", "cors") and n in names for n, cls in registry().items())


@pytest.mark.parametrize("path", ["report.txt", "report"])
def test_report_path_must_be_markdown_json_or_html(suite, path):
    suite.makepyfile("def test_x():\n    pass\n")
    result = suite.runpytest_inprocess(f"--mockserver-report={path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*give a path ending in .md, .json or .html*"])
