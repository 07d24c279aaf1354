"""The admin API (SPEC 2.4): health, catalog, scenarios (JSON/YAML, 201/422), journal with
outcomes, reset, lanes; and the admin token guarding /_mock/ and X-Mock-* headers."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from mockserver import MockServer
from mockserver.errors import ConfigError
from mockserver.faults import registry
from mockserver.transport.security import check_bind, is_loopback

BODY = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "stream": True}


@pytest.fixture
def http(server: MockServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=3) as c:
        yield c


@pytest.fixture
def lane() -> str:
    return f"adm-{uuid.uuid4().hex[:8]}"


def still_serving(http: httpx.Client) -> None:
    assert http.get("/_mock/health").json() == {"status": "ok"}
    assert http.post("/v1/chat/completions", json=BODY).text.endswith("data: [DONE]\n\n")


def test_health(http):
    r = http.get("/_mock/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_catalog_lists_every_fault_and_the_library(http):
    catalog = http.get("/_mock/catalog").json()
    assert {f["name"] for f in catalog["faults"]} == set(registry())
    close = next(f for f in catalog["faults"] if f["name"] == "close")
    assert close["layer"] == "tcp" and close["symptom"]
    framings = {f["name"]: f["framings"] for f in catalog["faults"]}
    assert framings["close"] == ["aws_eventstream", "json", "ndjson", "sse"]  # any HTTP answer
    assert framings["split"] == ["aws_eventstream", "ndjson", "sse"]  # any stream's bytes
    assert framings["bom"] == ["sse"] and framings["ws_close"] == ["ws"]
    assert {"name": "mode", "type": "choice", "choices": ["clean", "abrupt", "reset"],
            "default": "abrupt"} in close["params"]
    names = {s["name"] for s in catalog["scenarios"]}
    assert {"hello-stream", "retry-500-500-200", "fault-close", "fault-empty_reply"} <= names


def test_scenarios_json_yaml_one_or_a_list_are_played_in_order(http, lane):
    r = http.post(f"/_mock/scenarios?lane={lane}", json={"response": {"text": "one"}})
    assert r.status_code == 201 and len(r.json()["ids"]) == 1 and r.json()["lane"] == lane
    r = http.post(f"/_mock/scenarios?lane={lane}", json=[{"response": {"text": "two"}},
                                                          {"response": {"text": "three"}}])
    assert r.status_code == 201 and len(r.json()["ids"]) == 2
    yaml_body = "- response: {text: four}\n  faults: [missing_done]\n"
    r = http.post(f"/_mock/scenarios?lane={lane}", content=yaml_body,
                  headers={"content-type": "application/yaml"})
    assert r.status_code == 201
    queue = http.get(f"/_mock/scenarios?lane={lane}").json()["scenarios"]
    assert [q["used"] for q in queue] == [0, 0, 0, 0]
    texts = []
    for _ in range(4):
        body = http.post(f"/lane/{lane}/v1/chat/completions", json=dict(BODY, stream=False)).json()
        texts.append(body["choices"][0]["message"]["content"])
    assert texts == ["one", "two", "three", "four"]


@pytest.mark.parametrize(("body", "content_type", "param", "words"), [
    ('{"response": {"text": 5}}', "application/json", "response.text", "expected a string"),
    ('[{"response": {}}, {"tiems": 2}]', "application/json", "[1].tiems", "unknown field"),
    ('{"faults": ["close(mode=explode)"]}', "application/json", "faults[0]", "mode"),
    ('{"faults": ["no_such_fault"]}', "application/json", "faults[0]", "unknown fault"),
    ("sequence: []\n", "application/yaml", "sequence", "at least one"),
    ("response: [1, 2\n", "application/yaml", None, "neither valid JSON nor YAML"),
    ("{not json", "application/json", None, "neither valid JSON nor YAML"),
    ("", "application/yaml", "body", "Empty body"),
    ("42", "application/json", "<root>", "expected a mapping"),
])
def test_invalid_scenario_bodies_are_422_naming_the_field(
    http, lane, body, content_type, param, words
):
    r = http.post(f"/_mock/scenarios?lane={lane}", content=body,
                  headers={"content-type": content_type})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["param"] == param and words in error["message"]
    assert http.get(f"/_mock/scenarios?lane={lane}").json()["scenarios"] == []
    still_serving(http)


def _outcome(http, lane, index, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        entry = http.get(f"/_mock/journal?lane={lane}").json()["requests"][index]
        if entry["outcome"] != "pending" or time.monotonic() > deadline:
            return entry


def test_journal_records_each_request_with_its_outcome(server, http, lane):
    url = f"/lane/{lane}/v1/chat/completions"
    http.post(url, json=BODY)
    for fault in ("close(after=1, mode=abrupt)", "close(after=1, mode=reset)"):
        with pytest.raises(httpx.TransportError):
            http.post(url, json=BODY, headers={"X-Mock-Fault": fault})
    with httpx.Client(base_url=server.url, timeout=0.3) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.post(url, json=BODY, headers={"X-Mock-Fault": "stall(after=1, seconds=10)"})
    outcomes = [_outcome(http, lane, i)["outcome"] for i in range(4)]
    assert outcomes == ["completed", "closed", "reset", "client_disconnected"]
    entry = _outcome(http, lane, 2)
    assert entry["method"] == "POST" and entry["path"] == url and entry["lane"] == lane
    assert entry["body"] == BODY and entry["status"] == 200
    assert entry["faults"] == ["close(mode=reset)"] and entry["headers"]["x-mock-fault"]
    assert entry["sent"][-1] == "CLOSE reset"


def test_reset_clears_one_lane_and_the_lane_prefix_works(http, lane):
    other = f"{lane}-other"
    for name in (lane, other):
        http.post(f"/_mock/scenarios?lane={name}", json={"response": {"text": "x"}})
        http.post(f"/lane/{name}/v1/chat/completions", json=BODY)
    assert len(http.get(f"/lane/{lane}/_mock/journal").json()["requests"]) == 1
    assert http.post(f"/lane/{lane}/_mock/reset").status_code == 200
    assert http.get(f"/_mock/journal?lane={lane}").json()["requests"] == []
    assert http.get(f"/_mock/scenarios?lane={lane}").json()["scenarios"] == []
    assert len(http.get(f"/_mock/journal?lane={other}").json()["requests"]) == 1


def test_unknown_endpoint_and_wrong_method(http):
    assert http.get("/_mock/nothing").status_code == 404
    r = http.get("/_mock/reset")
    assert r.status_code == 405 and "POST" in r.json()["error"]["message"]
    still_serving(http)


# -- the admin token -----------------------------------------------------------------------------
def test_admin_token_guards_the_admin_api_and_x_mock_headers():
    with MockServer(admin_token="s3cret") as s, httpx.Client(base_url=s.url, timeout=3) as c:
        assert c.get("/_mock/health").status_code == 401
        assert c.get("/_mock/health", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/_mock/health", headers={"authorization": "Bearer s3cret"}).status_code == 200
        r = c.post("/v1/chat/completions", json=BODY, headers={"X-Mock-Fault": "bom"})
        assert r.status_code == 401 and r.json()["error"]["param"] == "x-mock-fault"
        r = c.post("/v1/chat/completions", json=BODY,
                   headers={"X-Mock-Scenario": "hello-stream"})
        assert r.status_code == 401 and r.json()["error"]["param"] == "x-mock-scenario"
        r = c.post("/v1/chat/completions", json=BODY,
                   headers={"X-Mock-Fault": "bom", "X-Mock-Token": "s3cret"})
        assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
        assert c.post("/v1/chat/completions", json=BODY).status_code == 200  # plain use is open


def test_non_loopback_bind_without_a_token_refuses_to_start():
    with pytest.raises(ConfigError, match="--admin-token"):
        MockServer(host="0.0.0.0")
    with pytest.raises(ConfigError, match="refusing to bind 192.0.2.1"):
        check_bind("192.0.2.1", None)
    check_bind("0.0.0.0", "token")
    check_bind("127.0.0.1", None)
    assert is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.com")
