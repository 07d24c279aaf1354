"""Session-level behaviour: xdist workers, no leftovers, cheap import, a remote server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading

from test_plugin_report_html import report_data

XDIST_SUITE = """
import json, os, pathlib
import pytest
from naive_client import naive_chat

@pytest.mark.parametrize("n", range(12))
def test_isolated(mockserver, make_mockserver, n, pytestconfig):
    mockserver.stream(f"answer number {n}")
    from openai import OpenAI  # built from the environment, which points at this test's lane

    with OpenAI(max_retries=0) as client:
        reply = client.chat.completions.create(
            model="gpt-4.1", messages=[{"role": "user", "content": "x"}])
    assert reply.choices[0].message.content == f"answer number {n}"
    assert len(mockserver.requests) == 1
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with pathlib.Path(pytestconfig.rootpath, f"ports-{worker}.txt").open("a") as f:
        f.write(f"{make_mockserver.port}\\n")

def test_matrix_travels_to_the_controller(mockserver):
    mockserver.resilience(naive_chat, faults=["close(after=2, mode=clean)"])

def test_failure_travels_to_the_controller(mockserver):
    mockserver.stream("Hello there, world", faults=["close(after=2, mode=reset)"])
    naive_chat(mockserver.base_url)  # raises: the stream is reset after two events
"""


def _port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_xdist_workers_each_run_a_server_and_lanes_isolate_tests(suite):
    suite.makepyfile(XDIST_SUITE)
    report = suite.path / "report.html"
    result = suite.runpytest_subprocess("-n", "2", "-p", "xdist", f"--mockserver-report={report}",
                                        timeout=240)
    result.assert_outcomes(passed=13, failed=1)
    result.stdout.fnmatch_lines([
        "*= mockserver resilience matrix =*",
        "*::test_matrix_travels_to_the_controller [[]naive_chat]: 1 ok, 1 silent_truncation",
    ])
    # the HTML report: the matrix and the failing stream's timeline came from the workers
    data = report_data(report)
    assert data["matrix"]["faults"] == ["(none)", "close(after=2, mode=clean)"]
    (failing,) = data["tests"]
    assert failing["nodeid"].endswith("::test_failure_travels_to_the_controller")
    (request,) = data["requests"]
    assert request["outcome"] == "reset" and request["timeline"]["measured"] is True
    assert request["timeline"]["ops"][-1]["mode"] == "reset"
    ports = {}
    for path in suite.path.glob("ports-gw*.txt"):
        ports[path.stem] = set(path.read_text().split())
    assert len(ports) == 2, ports  # both workers ran tests
    assert all(len(p) == 1 for p in ports.values())  # one server per worker...
    assert len(set.union(*ports.values())) == 2  # ...not shared
    assert all(_port_is_closed(int(p)) for p in set.union(*ports.values()))


def test_session_leaves_no_threads_sockets_or_ports_behind(suite):
    suite.makepyfile(
        """
        import json, pathlib
        from naive_client import naive_chat

        def test_everything(mockserver, make_mockserver, pytestconfig):
            mockserver.stream("hi")
            mockserver.openai_client().chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "x"}])
            mockserver.anthropic_client()
            report = mockserver.resilience(naive_chat, faults=["silent(seconds=20)"], timeout=0.3)
            assert report["silent"].outcome == "hang"
            pathlib.Path(pytestconfig.rootpath, "port.json").write_text(
                json.dumps(make_mockserver.port))
        """
    )
    before = set(threading.enumerate())
    suite.runpytest_inprocess().assert_outcomes(passed=1)
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert left == []
    port = json.loads((suite.path / "port.json").read_text())
    assert _port_is_closed(port)


def test_importing_the_plugin_imports_only_pytest():
    """Hypothesis's rule: the entry-point module is imported by every pytest run."""
    code = (
        "import sys\n"
        "import mockserver.pytest_plugin\n"
        "heavy = ('starlette', 'uvicorn', 'hypothesis', 'httpx', 'httpx2', 'openai', 'anthropic',"
        " 'yaml', 'websockets', 'mockserver.transport', 'mockserver.core', 'mockserver.faults')\n"
        "print([m for m in sys.modules if m.startswith(heavy)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_mockserver_url_uses_an_already_running_server(suite):
    from mockserver import MockServer

    suite.makepyfile(
        """
        import pytest, openai

        @pytest.mark.mockserver(scenario="rate-limited")
        def test_library_scenario_remote(mockserver):
            with pytest.raises(openai.RateLimitError):
                mockserver.openai_client().chat.completions.create(
                    model="gpt-4.1", messages=[{"role": "user", "content": "x"}])

        def test_scripted_remote(mockserver, make_mockserver):
            assert type(make_mockserver).__name__ == "RemoteServer"
            mockserver.stream("remote hello", faults=["close(after=2, mode=clean)"])
            mockserver.sequence({"error": {"status": 500}}, "later")
            stream = mockserver.openai_client().chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "x"}], stream=True)
            assert "".join(c.choices[0].delta.content or "" for c in stream) == "remote"
            entry = mockserver.requests[0]
            assert entry.faults == ("close(after=2, mode=clean)",) and entry.outcome == "completed"
            assert mockserver.unused()[0]["times"] == 2

        def test_failing_remote(mockserver):
            mockserver.stream("shown in the transcript")
            mockserver.openai_client().chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "x"}])
            assert False
        """
    )
    report = suite.path / "report.html"
    with MockServer() as server:
        result = suite.runpytest_inprocess(f"--mockserver-url={server.url}",
                                           f"--mockserver-report={report}")
        lanes_left = dict(server.state.lanes)
    result.assert_outcomes(passed=2, failed=1, errors=1)  # test_scripted: its sequence unused
    result.stdout.fnmatch_lines([
        f"mockserver: seed 0 (replay with --mockserver-seed 0), server {server.url}",
        "*sequence of 2: error 500, text 'later' (requested 0 of 2 times)*",
        "     START 200 [[]content-type: application/json, +* more]",
        "     WRITE *B b'{\"id\":\"chatcmpl-*",  # the admin journal abbreviates writes
    ])
    assert lanes_left == {}  # every test freed its lane on the shared server
    # the HTML report: the remote journal's timelines (planned: nothing watched the server)
    failing = [t for t in report_data(report)["requests"] if t["test"].endswith("_remote")]
    timelines = {t["test"].rpartition("::")[2]: t["timeline"] for t in failing}
    assert timelines["test_failing_remote"]["measured"] is False
    assert [op["op"] for op in timelines["test_failing_remote"]["ops"]] == [
        "start", "write", "close"]
