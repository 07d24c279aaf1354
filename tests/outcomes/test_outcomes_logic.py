"""The pure parts of the outcome matrix: classification, comparison, rendering, coverage."""

from __future__ import annotations

import copy

from mockserver.faults import registry
from tools.outcomes import matrix
from tools.outcomes.classify import classify, mask
from tools.outcomes.render import clients_block, readme_observed
from tools.outcomes.store import differences, load, merge

TEXT = "Hello there, world!"


def raw(**kw):
    return {"finished": True, "text": None, "error": None, **kw}


def test_classify_follows_the_resilience_matrix_plus_wrong_text() -> None:
    assert classify(raw(text=TEXT), TEXT, TEXT, 4)[0] == "ok"
    assert classify(raw(text="Hello"), TEXT, "Hello", 4)[0] == "silent_truncation"
    assert classify(raw(text="Hi!"), TEXT, TEXT, 4)[0] == "wrong_text"
    assert classify(raw(finished=False), TEXT, TEXT, 4)[0] == "hang"
    error = {"type": "APIConnectionError", "module": "openai", "message": "Connection error.",
             "cause": "ReadError: reset"}
    outcome, detail = classify(raw(error=error), TEXT, TEXT, 4)
    assert outcome == "raised openai.APIConnectionError"
    assert detail == "Connection error. (cause: ReadError: reset)"


def test_text_as_sent_is_ok_only_when_it_still_holds_the_script() -> None:
    repeated = "HelloHello there, world!"
    assert classify(raw(text=repeated), TEXT, repeated, 4)[0] == "ok"
    lost = " there, world!"  # an event the client could not read was dropped silently
    assert classify(raw(text=lost), TEXT, lost, 4)[0] == "wrong_text"


def test_details_mask_ports_and_lanes() -> None:
    assert mask("http://127.0.0.1:4242/lane/o3-x/v1") == "http://127.0.0.1:<port>/lane/<id>/v1"


def test_matrix_has_a_canonical_case_for_every_registered_fault() -> None:
    canonical = {case.fault for case in matrix.cases() if case.canonical}
    assert canonical == set(registry())
    assert len(matrix.CLIENTS) >= 10


def test_committed_json_covers_every_client_and_case() -> None:
    report = load()
    specs = [case.spec for case in matrix.cases()]
    assert [case["spec"] for case in report["cases"]] == specs
    for client in matrix.CLIENTS:
        assert set(report["outcomes"][client.name]) == set(specs), client.name
        assert report["clients"][client.name]["versions"], client.name


def test_differences_accept_any_recorded_outcome_and_name_the_change() -> None:
    report = load()
    fresh = copy.deepcopy(report)
    spec = "close(after=2, mode=reset)"
    cell = report["outcomes"]["openai-python"][spec]
    assert differences(report, fresh) == []
    fresh["outcomes"]["openai-python"][spec] = {"outcomes": ["raised X"], "detail": "d"}
    (line,) = differences(report, fresh)
    assert line.startswith("openai-python ") and spec in line
    assert " / ".join(cell["outcomes"]) + " -> " in line and line.endswith("raised X (d)")
    both = merge([report, fresh])
    assert "raised X" in both["outcomes"]["openai-python"][spec]["outcomes"]
    assert differences(both, fresh) == [] and differences(both, report) == []


def test_rendered_docs_name_versions_and_measured_outcomes() -> None:
    report = load()
    block = clients_block(report)
    for client in report["clients"].values():
        assert client["label"] in block
    observed = readme_observed(report)
    assert observed["close"].startswith("Measured (`close(after=2, mode=abrupt)`): openai-python")
    assert "ws_close" in observed and "openai-python" not in observed["ws_close"]
