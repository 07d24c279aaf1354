"""The inspector page (GET /_mock/ui) and the static HTML report in a real headless Chromium.

Each test opens the page in a fresh context whose every request goes through a route
handler, and checks at the end that the page asked for nothing outside the mock's origin and
that the browser refused nothing under its Content-Security-Policy (a wrong hash of the
inline code would stop the page). Requests are made with httpx from the test thread, on a
fresh lane of the session's server; the page follows `/_mock/events` live.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_harness import WAIT_MS, BrowserThread

pytestmark = pytest.mark.browser

CHAT = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi there"}],
        "stream": True}
RESET = "close(after=2, mode=reset)"


class InspectorPage:
    """A fresh context and page; every request it makes is recorded by route interception."""

    def __init__(self, browser: BrowserThread) -> None:
        self.browser = browser
        self.requested: list[str] = []
        self.console: list[str] = []
        self.context, self.page = browser.call(self._open)

    def _open(self) -> tuple[Any, Any]:
        context = self.browser.chromium.new_context(viewport={"width": 1400, "height": 900})
        context.set_default_timeout(WAIT_MS)
        context.route("**/*", self._route)
        page = context.new_page()
        page.on("console", lambda msg: self.console.append(msg.text))
        page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))
        return context, page

    def _route(self, route: Any) -> None:
        self.requested.append(route.request.url)
        route.continue_()

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """`page.<name>(*args, **kwargs)` on the browser thread."""
        return self.browser.call(lambda: getattr(self.page, name)(*args, **kwargs))

    def open(self, url: str, *, live: bool = True) -> None:
        self.call("goto", url)
        self.call("wait_for_selector", "body[data-ready='1']")
        if live:
            self.call("wait_for_selector", "#status.live")

    def shown(self, count: int) -> None:
        """Wait until the list shows `count` requests (after the filters)."""
        self.call("wait_for_selector", f"body[data-shown='{count}']", state="attached")

    def close(self) -> None:
        self.browser.call(self.context.close)


@pytest.fixture
def inspector(browser: BrowserThread, api_server: Any) -> Iterator[InspectorPage]:
    page = InspectorPage(browser)
    try:
        yield page
    finally:
        page.close()
    origin = api_server.url + "/"
    outside = [url for url in page.requested
               if not (url.startswith(origin) or url.startswith("file://"))]
    assert outside == [], outside
    refused = [line for line in page.console if "Content Security Policy" in line
               or "Refused to" in line or line.startswith("pageerror")]
    assert refused == [], refused


def new_lane() -> str:
    return f"ui-{uuid.uuid4().hex[:10]}"


def chat(server: Any, lane: str, fault: str | None = None) -> None:
    headers = {"x-mock-fault": fault} if fault else {}
    try:
        with httpx.stream("POST", server.url_for("/v1/chat/completions", lane=lane), json=CHAT,
                          headers=headers, timeout=10) as response:
            for _ in response.iter_raw():
                pass
    except (httpx.ReadError, httpx.RemoteProtocolError):
        assert fault == RESET


def test_a_request_made_after_opening_the_page_appears_within_2s_with_fault_and_outcome(
    inspector, api_server
):
    lane = new_lane()
    inspector.open(f"{api_server.url}/_mock/ui?lane={lane}")
    chat(api_server, lane, RESET)
    row = f".row[data-lane='{lane}'][data-outcome='reset']"
    inspector.call("wait_for_selector", row, timeout=2000)
    assert inspector.call("text_content", f"{row} .faults") == RESET
    assert inspector.call("text_content", f"{row} .outcome") == "reset"
    assert inspector.call("get_attribute", row, "data-faults") == RESET


def test_the_timeline_shows_the_reset_cut_after_the_last_write_and_bytes_on_click(
    inspector, api_server
):
    lane = new_lane()
    inspector.open(f"{api_server.url}/_mock/ui?lane={lane}")
    chat(api_server, lane, RESET)
    inspector.call("click", f".row[data-lane='{lane}'][data-outcome='reset']")
    cut = "#detail svg.timeline line.cut[data-mode='reset']"
    inspector.call("wait_for_selector", cut, state="attached")  # a vertical line has no width
    geometry = inspector.call("evaluate", """() => {
        const svg = document.querySelector('#detail svg.timeline');
        const x = (node) => Number(node.getAttribute('x1'));
        return {
            cut: x(svg.querySelector('line.cut')),
            writes: [...svg.querySelectorAll('line.mark')].map(x),
            label: svg.querySelector('.cut-label').textContent,
            faults: [...svg.querySelectorAll('.fault-label')].map((n) => n.firstChild.nodeValue),
            measured: document.querySelector('#detail .scale').textContent,
        };
    }""")
    assert len(geometry["writes"]) == 2  # role chunk and first word, then the RST
    assert geometry["cut"] >= max(geometry["writes"])
    assert geometry["label"] == "RST" and geometry["faults"] == [RESET]
    assert geometry["measured"].startswith("measured times")  # the page was watching
    inspector.call("dispatch_event", "#detail svg.timeline line.mark >> nth=1", "click")
    shown = inspector.call("text_content", "#bytes")
    assert shown.startswith("WRITE ") and "events 2\nb'data: {\"id\":\"chatcmpl-" in shown
    assert inspector.call("text_content", "#detail-outcome") == "reset"


def test_filters_by_lane_fault_and_outcome(inspector, api_server):
    plain, faulty = new_lane(), new_lane()
    inspector.open(f"{api_server.url}/_mock/ui")
    chat(api_server, plain)
    chat(api_server, faulty, "malformed_json(at=2)")
    chat(api_server, faulty, RESET)
    inspector.call("wait_for_selector", f".row[data-lane='{faulty}'][data-outcome='reset']")

    def choose(kind: str, value: str, expected: int) -> list[str]:
        inspector.call("select_option", f"#f-{kind}", value)
        inspector.shown(expected)
        return inspector.call("eval_on_selector_all", "#list .row",
                              "rows => rows.map(r => r.dataset.lane + ' ' + r.dataset.faults)")

    assert choose("lane", plain, 1) == [f"{plain} "]
    assert sorted(choose("lane", faulty, 2)) == [f"{faulty} {RESET}",
                                                f"{faulty} malformed_json(at=2)"]
    assert choose("fault", "malformed_json", 1) == [f"{faulty} malformed_json(at=2)"]
    assert choose("fault", "-", 0) == []  # "none": this lane has no request without a fault
    choose("fault", "", 2)
    assert choose("outcome", "reset", 1) == [f"{faulty} {RESET}"]
    assert choose("lane", plain, 0) == []
    assert choose("outcome", "completed", 1) == [f"{plain} "]


def test_pause_holds_new_requests_and_clear_empties_the_list(inspector, api_server):
    lane = new_lane()
    inspector.open(f"{api_server.url}/_mock/ui?lane={lane}")
    chat(api_server, lane)
    inspector.shown(1)
    inspector.call("click", "#pause")
    chat(api_server, lane, "missing_done")
    inspector.call("wait_for_selector", "#pause:has-text('Resume (2 new)')")  # start and end
    assert inspector.call("eval_on_selector_all", "#list .row", "rows => rows.length") == 1
    inspector.call("click", "#pause")
    inspector.shown(2)
    inspector.call("click", "#clear")
    inspector.shown(0)
    assert inspector.call("text_content", "#count") == "0 of 0 requests"
    chat(api_server, lane)  # still live after a clear
    inspector.shown(1)


def test_the_page_asks_nothing_of_anyone_but_the_mock(inspector, api_server):
    lane = new_lane()
    inspector.open(f"{api_server.url}/lane/{lane}/_mock/ui")
    chat(api_server, lane, RESET)
    inspector.call("click", f".row[data-lane='{lane}']")
    inspector.call("wait_for_selector", "#detail svg.timeline")
    paths = {httpx.URL(url).path for url in inspector.requested}
    assert paths == {f"/lane/{lane}/_mock/ui", f"/lane/{lane}/_mock/events"}
    # (the fixture asserts every request stayed on the mock's origin)


def test_a_thousand_requests_stay_readable(inspector, api_server):
    from mockserver.transport.state import JournalEntry

    lane = new_lane()
    chat(api_server, lane)  # one real request, then 999 more published as the app does
    first = api_server.requests(lane)[0].index
    more = [JournalEntry(index=10**6 + k, method="GET", path=f"/lane/{lane}/v1/models",
                         lane=lane, headers={}, body=None, status=200, outcome="completed",
                         faults=("missing_done",) if k % 3 else ())
            for k in range(999)]
    for entry in more:
        api_server.state.feed.publish("start", entry)
        api_server.state.feed.publish("end", entry)
    inspector.open(f"{api_server.url}/_mock/ui?lane={lane}")
    inspector.shown(1000)
    in_dom = inspector.call("eval_on_selector_all", "#list .row", "rows => rows.length")
    assert 0 < in_dom < 100  # only the rows in view are built
    assert inspector.call("text_content", "#count") == "1000 of 1000 requests"
    inspector.call("eval_on_selector", "#list", "list => { list.scrollTop = list.scrollHeight; }")
    oldest = f"#list .row[data-id='{first}']"  # newest first: the first request is at the end
    inspector.call("wait_for_selector", oldest)
    inspector.call("click", oldest)
    inspector.call("wait_for_selector", f"#detail h3:has-text('#{first} POST')")
    inspector.call("select_option", "#f-fault", "missing_done")
    inspector.shown(666)


def test_the_static_report_shows_the_matrix_and_a_failing_stream_in_its_timeline(
    inspector, tmp_path: Path
):
    from mockserver.pytest_plugin.report import ResilienceReport, Row
    from mockserver.pytest_plugin.report_html import failure_data, render_html

    from mockserver import MockServer

    with MockServer() as server:
        server.state.feed.always = True  # as the plugin does when an HTML report is asked for
        lane = new_lane()
        chat(server, lane, RESET)
        entries = server.requests(lane)
    nodeid = "tests/test_app.py::test_survives_a_reset"
    failure = failure_data(nodeid, "call", "AssertionError: the stream was cut", lane=lane,
                           entries=entries, transcript="mockserver lane ... CLOSE reset")
    matrix = ResilienceReport(test="tests/test_app.py::test_matrix", client="naive_chat", rows=[
        Row("(none)", "-", "ok"),
        Row("close(after=2, mode=clean)", "tcp", "silent_truncation", "returned 'The'"),
        Row("split(mode=every_byte)", "sse", "raised ValueError", "bad line"),
    ])
    report = tmp_path / "report.html"
    report.write_text(render_html([matrix], [failure], seed=7), encoding="utf-8")
    inspector.open(report.as_uri(), live=False)
    cells = inspector.call("eval_on_selector_all", "table.matrix td",
                           "cells => cells.map(c => c.className + ':' + c.textContent)")
    assert cells == ["ok:ok", "silent_truncation:silent_truncation",
                     "raised:raised ValueError"]
    assert inspector.call("text_content", "#status") == "seed 7"
    test = f".test[data-nodeid='{nodeid}']"
    assert inspector.call("text_content", f"{test} pre.message") == (
        "AssertionError: the stream was cut")
    inspector.call("click", f"{test} button")  # its requests
    inspector.shown(1)
    inspector.call("click", "#list .row[data-outcome='reset']")
    inspector.call("wait_for_selector", "#detail svg.timeline line.cut[data-mode='reset']",
                   state="attached")
    assert inspector.call("text_content", "#detail .scale").startswith("measured times")
    assert all(url.startswith("file://") for url in inspector.requested), inspector.requested
