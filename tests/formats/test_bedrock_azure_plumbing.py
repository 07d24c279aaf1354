"""Bedrock and Azure in the machinery every route has: the catalogue's framings, chaos drawing
only faults that act on the route's framing, and the resilience matrix reading event streams."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import boto3
import openai
from botocore.config import Config

from mockserver import MockServer
from mockserver.core.request import RequestView
from mockserver.faults import catalog, registry
from mockserver.transport.chaos import pool_for

CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0"
USER = [{"role": "user", "content": [{"text": "Hi"}]}]


def _names(view: RequestView) -> set[str]:
    return {spec.split("(")[0] for spec in pool_for(view)}


def test_the_catalogue_says_where_the_event_stream_faults_act() -> None:
    entries = {e["name"]: e for e in catalog()}
    for name in ("bad_crc", "truncated_frame", "exception_event"):
        assert entries[name]["layer"] == "eventstream"
        assert entries[name]["framings"] == ["aws_eventstream"]
    assert "aws_eventstream" in entries["error_event"]["framings"]
    assert entries["bom"]["framings"] == ["sse"]


def test_chaos_draws_event_stream_faults_for_bedrock_and_sse_faults_for_azure() -> None:
    bedrock = _names(RequestView(api="bedrock_converse", path="/model/m/converse-stream",
                                 stream=True))
    assert {"bad_crc", "truncated_frame", "exception_event", "close", "split"} <= bedrock
    assert not bedrock & {"bom", "line_endings", "keepalive", "missing_done"}
    azure = _names(RequestView(api="azure_chat", path="/openai/deployments/d/chat/completions",
                               stream=True))
    assert {"bom", "malformed_json", "close"} <= azure
    assert not azure & {"bad_crc", "truncated_frame", "exception_event"}
    for name in bedrock | azure:
        assert registry()[name].layer != "ws"


def test_chaos_on_bedrock_names_a_fault_the_client_can_meet() -> None:
    with MockServer(chaos=1.0, seed=11) as server, closing(boto3.client(
        "bedrock-runtime", endpoint_url=server.url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=5),
    )) as client:
        for _ in range(3):
            try:
                reply = client.converse_stream(modelId=CLAUDE, messages=USER)
                with closing(reply["stream"]) as stream:
                    list(stream)
            except Exception:  # noqa: BLE001 - chaos: whatever the drawn fault does
                pass
        entries = server.requests()
    drawn = {entry.faults[0].split("(")[0] for entry in entries}
    assert drawn and all("aws_eventstream" in registry()[name].applies_to() for name in drawn)


def _converse_text(base_url: str) -> str:
    root = base_url.removesuffix("/v1")
    with closing(boto3.client("bedrock-runtime", endpoint_url=root, region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="x",
                              config=Config(retries={"total_max_attempts": 1}))) as client:
        stream = client.converse_stream(modelId=CLAUDE, messages=USER)["stream"]
        with closing(stream):
            return "".join((e.get("contentBlockDelta") or {}).get("delta", {}).get("text", "")
                           for e in stream)


def test_the_resilience_matrix_classifies_a_boto3_client(mockserver: Any) -> None:
    report = mockserver.resilience(_converse_text, faults=[
        "bad_crc(at=3)", "truncated_frame(at=3)", "exception_event(at=4)",
        "duplicate_chunk(at=2)", "bom"], timeout=5)
    outcomes = {row.fault: row.outcome for row in report.rows}
    assert outcomes == {
        "(none)": "ok", "bad_crc(at=3)": "raised ChecksumMismatch",
        "truncated_frame(at=3)": "silent_truncation", "exception_event(at=4)": "raised "
        "EventStreamError", "duplicate_chunk(at=2)": "ok", "bom": "ok"}


def test_the_resilience_matrix_runs_an_azure_client(mockserver: Any) -> None:
    def azure_text(base_url: str) -> str:
        with openai.AzureOpenAI(azure_endpoint=base_url.removesuffix("/v1"), api_key="k",
                                api_version="2024-10-21", max_retries=0, timeout=5) as client:
            chunks = client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "Hi"}], stream=True)
            return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

    report = mockserver.resilience(azure_text, faults=["close(after=4, mode=clean)",
                                                       "split(mode=every_byte)"], timeout=5)
    assert [row.outcome for row in report.rows] == ["ok", "silent_truncation", "ok"]


WEIRD = [
    b"[]", b'"text"', b"null", b'{"messages": {}}', b'{"messages": [1, "x", null]}',
    b'{"messages": [{"role": "user", "content": [1, {"text": 5}, {"image": {}}]}]}',
    b'{"messages": [{"role": "user", "content": "hi"}], "system": 3, "max_tokens": 1e308}',
    b'{"anthropic_version": 7, "max_tokens": 5, "messages": [{"role": "user"}]}',
    b'{"inferenceConfig": [], "messages": [{"role": "user", "content": []}]}',
    b'{"messages": [{"role": "user", "content": []}], "toolConfig": {"tools": "x"}}',
    b'{"input": [], "messages": [], "prompt": {}}',
]
PATHS = [
    f"/model/{CLAUDE}/converse", f"/model/{CLAUDE}/converse-stream", f"/model/{CLAUDE}/invoke",
    "/model/openai.gpt-oss-20b-1:0/invoke-with-response-stream",
    "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
    "/openai/deployments/gpt-35-turbo-instruct/completions?api-version=2024-10-21",
    "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
]


def test_odd_bodies_get_a_4xx_in_the_routes_shape_never_a_5xx(server: MockServer) -> None:
    import httpx

    with httpx.Client(timeout=10) as http:
        for path in PATHS:
            for body in WEIRD:
                response = http.post(server.url + path, content=body)
                assert 400 <= response.status_code < 500 or response.status_code == 200, (
                    path, body, response.status_code, response.text)
                error = response.json() if response.status_code != 200 else {}
                assert "message" in error or "error" in error or response.status_code == 200
    server.check()
