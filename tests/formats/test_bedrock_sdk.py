"""Bedrock Runtime through boto3 (and the Anthropic SDK's Bedrock client, strict) over a real
socket: every route, Bedrock's errors, auth, lanes and named scenarios, X-Mock-Fault, the
journal, and every fault that acts on the event stream, asserting what the client observes.
botocore checks both CRCs of every message, so these tests also prove the framing exact."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import anthropic
import boto3
import httpx
import pytest
import urllib3
from botocore.config import Config
from botocore.eventstream import ChecksumMismatch
from botocore.exceptions import ClientError, ConnectionClosedError, EventStreamError
from botocore.exceptions import ReadTimeoutError as BotoReadTimeout

from mockserver import MockServer

CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0"
USER = [{"role": "user", "content": [{"text": "Tell me about Paris"}]}]
ANTHROPIC_BODY = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64,
                  "messages": [{"role": "user", "content": "Tell me about Paris"}]}
WEATHER = {"name": "get_weather", "arguments": '{"city": "Paris"}'}
TEXT = "Hello there, world"
Queue = Callable[..., None]


def client_for(url: str, **config: Any) -> Any:
    return boto3.client(
        "bedrock-runtime", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5,
                      read_timeout=config.pop("read_timeout", 10), **config),
    )


@pytest.fixture
def root(server: MockServer, lane: str) -> str:
    return server.url_for("", lane=lane).rstrip("/")


@pytest.fixture
def bedrock(root: str) -> Iterator[Any]:
    client = client_for(root)
    yield client
    client.close()


def stream_text(events: Any) -> str:
    return "".join(e["contentBlockDelta"]["delta"].get("text", "") for e in events
                   if "contentBlockDelta" in e)


def test_converse_returns_the_message_usage_and_request_id(bedrock: Any) -> None:
    reply = bedrock.converse(modelId=CLAUDE, messages=USER)
    assert reply["output"]["message"] == {
        "role": "assistant", "content": [{"text": "You said: Tell me about Paris"}]}
    assert reply["stopReason"] == "end_turn"
    assert reply["usage"]["totalTokens"] == (reply["usage"]["inputTokens"]
                                             + reply["usage"]["outputTokens"])
    assert len(reply["ResponseMetadata"]["RequestId"]) == 36
    assert reply["metrics"]["latencyMs"] > 0


def test_converse_tool_use_carries_the_parsed_input(bedrock: Any, queue: Queue) -> None:
    queue({"text": "Checking.", "tool_calls": [WEATHER]})
    content = bedrock.converse(modelId=CLAUDE, messages=USER)["output"]["message"]["content"]
    assert content[0] == {"text": "Checking."}
    tool = content[1]["toolUse"]
    assert tool["name"] == "get_weather" and tool["input"] == {"city": "Paris"}
    assert tool["toolUseId"].startswith("tooluse_")


def test_converse_stream_yields_botocore_events_in_order(bedrock: Any, queue: Queue) -> None:
    queue({"chunks": ["Bon", "jour", " ☃ 世界"]})
    events = list(bedrock.converse_stream(modelId=CLAUDE, messages=USER)["stream"])
    assert [next(iter(e)) for e in events] == [
        "messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta",
        "contentBlockStop", "messageStop", "metadata"]
    assert stream_text(events) == "Bonjour ☃ 世界"
    assert events[0]["messageStart"] == {"role": "assistant"}
    assert events[-2]["messageStop"] == {"stopReason": "end_turn"}
    assert set(events[-1]["metadata"]) == {"usage", "metrics"}


def test_converse_stream_tool_use_and_reasoning_blocks(bedrock: Any, queue: Queue) -> None:
    queue({"text": "Checking.", "reasoning": "Plan first.", "tool_calls": [WEATHER]})
    events = list(bedrock.converse_stream(modelId=CLAUDE, messages=USER)["stream"])
    [start] = [e["contentBlockStart"] for e in events if "contentBlockStart" in e]
    assert start["contentBlockIndex"] == 2 and start["start"]["toolUse"]["name"] == "get_weather"
    deltas = [e["contentBlockDelta"] for e in events if "contentBlockDelta" in e]
    reasoning = "".join(d["delta"]["reasoningContent"].get("text", "") for d in deltas
                        if d["contentBlockIndex"] == 0)
    assert reasoning == "Plan first."
    arguments = "".join(d["delta"]["toolUse"]["input"] for d in deltas
                        if d["contentBlockIndex"] == 2)
    assert json.loads(arguments) == {"city": "Paris"}
    assert events[-2]["messageStop"]["stopReason"] == "tool_use"


def test_invoke_model_answers_an_anthropic_message(bedrock: Any, queue: Queue) -> None:
    queue({"text": "Sure.", "tool_calls": [WEATHER]})
    reply = bedrock.invoke_model(modelId=CLAUDE, body=json.dumps(ANTHROPIC_BODY))
    assert reply["contentType"] == "application/json"
    message = json.loads(reply["body"].read())
    assert message["id"].startswith("msg_bdrk_01") and message["type"] == "message"
    assert message["model"] == "claude-sonnet-4-5-20250929"
    assert [b["type"] for b in message["content"]] == ["text", "tool_use"]
    assert message["content"][1]["id"].startswith("toolu_bdrk_01")
    assert message["stop_reason"] == "tool_use" and "service_tier" not in message["usage"]


def test_invoke_model_of_an_openai_model_answers_a_chat_completion(bedrock: Any) -> None:
    body = {"messages": [{"role": "user", "content": "Hi"}], "max_completion_tokens": 32}
    reply = bedrock.invoke_model(modelId="openai.gpt-oss-120b-1:0", body=json.dumps(body))
    completion = json.loads(reply["body"].read())
    assert completion["object"] == "chat.completion"
    assert completion["choices"][0]["message"]["content"] == "You said: Hi"


def test_invoke_with_response_stream_chunks_carry_anthropic_events(
    bedrock: Any, queue: Queue
) -> None:
    queue({"text": TEXT})
    reply = bedrock.invoke_model_with_response_stream(modelId=CLAUDE,
                                                      body=json.dumps(ANTHROPIC_BODY))
    assert reply["contentType"] == "application/json"  # x-amzn-bedrock-content-type
    inner = [json.loads(e["chunk"]["bytes"]) for e in reply["body"]]
    assert [e["type"] for e in inner][0] == "message_start"
    assert "".join(e["delta"].get("text", "") for e in inner
                   if e["type"] == "content_block_delta") == TEXT
    assert inner[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"] == 3


def test_anthropic_bedrock_client_strict_stream_and_message(root: str, queue: Queue) -> None:
    queue({"text": "Checking.", "tool_calls": [WEATHER]})
    queue({"text": TEXT})
    with anthropic.AnthropicBedrock(
        aws_access_key="x", aws_secret_key="x", aws_region="us-east-1", base_url=root,
        max_retries=0, timeout=10, _strict_response_validation=True,
    ) as client:
        with client.messages.stream(model=CLAUDE, max_tokens=64,
                                    messages=[{"role": "user", "content": "hi"}]) as stream:
            final = stream.get_final_message()
        message = client.messages.create(model=CLAUDE, max_tokens=64,
                                         messages=[{"role": "user", "content": "hi"}])
    assert [b.type for b in final.content] == ["text", "tool_use"]
    assert final.content[1].input == {"city": "Paris"} and final.stop_reason == "tool_use"
    assert message.content[0].text == TEXT and message.id.startswith("msg_bdrk_01")


@pytest.mark.parametrize(("model", "code", "status"), [
    ("anthropic.claude-nope-v9:0", "ValidationException", 400),
    ("anthropic.claude-v2", "ResourceNotFoundException", 404),
])
def test_an_unknown_model_gets_bedrocks_own_error(bedrock: Any, model: str, code: str,
                                                  status: int) -> None:
    with pytest.raises(ClientError) as info:
        bedrock.converse(modelId=model, messages=USER)
    assert info.value.response["Error"]["Code"] == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_known_and_provider_model_ids_are_accepted(bedrock: Any) -> None:
    for model in ("gpt-4.1", "claude-sonnet-4.5", "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                  "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"):
        assert bedrock.converse(modelId=model, messages=USER)["stopReason"] == "end_turn"


@pytest.mark.parametrize(("body", "message"), [
    ({"max_tokens": 10, "messages": []}, "#: required key [anthropic_version] not found"),
    ({**ANTHROPIC_BODY, "model": "x"}, "#: extraneous key [model] is not permitted"),
    ({**ANTHROPIC_BODY, "max_tokens": "ten"}, "#/max_tokens: expected type: Integer, found: "
                                              "String"),
])
def test_invoke_validates_the_anthropic_body_as_bedrock_does(bedrock: Any, body: Any,
                                                             message: str) -> None:
    with pytest.raises(ClientError) as info:
        bedrock.invoke_model(modelId=CLAUDE, body=json.dumps(body))
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": f"Malformed input request: {message}, please reformat your input and try "
                   "again."}


@pytest.mark.parametrize(("body", "message"), [
    ({"messages": [{"role": "assistant", "content": [{"text": "x"}]}]},
     "A conversation must start with a user message."),
    ({"messages": [{"role": "robot", "content": []}]}, "at 'messages.1.member.role' failed to "
     "satisfy constraint: Member must satisfy enum value set: [user, assistant]"),
    ({"messages": USER, "inferenceConfig": {"maxTokens": 0}}, "Value '0' at "
     "'inferenceConfig.maxTokens' failed to satisfy constraint"),
    ({"messages": "hi"}, "at 'messages' failed to satisfy constraint"),
])
def test_bad_converse_input_is_a_validation_exception(root: str, body: Any,
                                                      message: str) -> None:
    response = httpx.post(f"{root}/model/{CLAUDE}/converse", json=body, timeout=10)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"].startswith("ValidationException:")
    assert message in response.json()["message"] and list(response.json()) == ["message"]


def test_invalid_json_is_a_validation_exception(root: str) -> None:
    response = httpx.post(f"{root}/model/{CLAUDE}/converse-stream", content=b"{nope", timeout=10)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"].startswith("ValidationException:")


def test_a_scripted_429_is_a_throttling_exception(bedrock: Any, queue: Queue) -> None:
    queue({"error": {"status": 429}})
    with pytest.raises(bedrock.exceptions.ThrottlingException) as info:
        bedrock.converse_stream(modelId=CLAUDE, messages=USER)
    assert info.value.response["Error"]["Message"] == (
        "Too many requests, please wait before trying again.")


def test_sigv4_is_accepted_unchecked_and_api_keys_are_checked() -> None:
    with MockServer(api_key="secret") as server, closing(client_for(server.url)) as client:
        assert client.converse(modelId=CLAUDE, messages=USER)["output"]
        url = f"{server.url}/model/{CLAUDE}/converse"
        missing = httpx.post(url, json={"messages": USER}, timeout=10)
        wrong = httpx.post(url, json={"messages": USER}, timeout=10,
                           headers={"authorization": "Bearer nope"})
        right = httpx.post(url, json={"messages": USER}, timeout=10,
                           headers={"authorization": "Bearer secret"})
    assert missing.status_code == 403 and missing.json() == {
        "message": "Missing Authentication Token"}
    assert missing.headers["x-amzn-errortype"].startswith("MissingAuthenticationTokenException")
    assert wrong.status_code == 403
    assert wrong.headers["x-amzn-errortype"].startswith("UnrecognizedClientException")
    assert right.status_code == 200


def test_named_scenario_and_lane_prefixes_reach_the_bedrock_routes(server: MockServer) -> None:
    url = server.url_for("/scenario/bedrock-stream-throttled", lane="bedrock-x")
    with closing(client_for(url)) as client, pytest.raises(EventStreamError) as info:
        _read(client)
    assert info.value.response["Error"]["Code"] == "throttlingException"
    [entry] = server.requests("bedrock-x")
    assert entry.scenario == "bedrock-stream-throttled"
    assert entry.path == f"/lane/bedrock-x/scenario/bedrock-stream-throttled/model/{CLAUDE}" \
                         "/converse-stream"
    assert entry.faults == ("exception_event(at=3, type=throttlingException)",)


def test_x_mock_fault_header_applies_and_is_journaled(server: MockServer, root: str,
                                                     lane: str) -> None:
    with closing(client_for(root)) as client:
        client.meta.events.register("before-send.bedrock-runtime.*", _add_fault_header)
        reply = client.converse_stream(modelId=CLAUDE, messages=USER)
        assert reply["ResponseMetadata"]["HTTPHeaders"]["x-mock-fault"] == "bad_crc(at=2)"
        with closing(reply["stream"]), pytest.raises(ChecksumMismatch):
            list(reply["stream"])
    [entry] = server.requests(lane)
    assert entry.faults == ("bad_crc(at=2)",) and entry.status == 200
    assert entry.body == {"messages": USER}


def _add_fault_header(request: Any, **_: Any) -> None:
    request.headers["X-Mock-Fault"] = "bad_crc(at=2)"


# -- faults, as boto3's converse_stream observes them ------------------------------------------
def _events(root: str, **config: Any) -> list[Any]:
    with closing(client_for(root, **config)) as client:
        return _read(client)


def _read(client: Any) -> list[Any]:
    """The events of a converse_stream; the stream is closed even when iterating raises
    (its connection would otherwise outlive the client)."""
    with closing(client.converse_stream(modelId=CLAUDE, messages=USER)["stream"]) as stream:
        return list(stream)


RAISES = [
    ("close(after=2, mode=abrupt)", urllib3.exceptions.ProtocolError),
    ("close(after=2, mode=reset)", urllib3.exceptions.ProtocolError),
    ("broken_chunked(after=2)", urllib3.exceptions.ProtocolError),
    ("empty_reply", ConnectionClosedError),
    ("bad_crc(at=3)", ChecksumMismatch),
    ("bad_crc(at=2, which=prelude)", ChecksumMismatch),
    ("not_streamed", ChecksumMismatch),
    ("error_event(at=3)", EventStreamError),
    ("exception_event(at=2, type=validationException)", EventStreamError),
    ("status(code=503)", ClientError),
]


@pytest.mark.parametrize(("spec", "error"), RAISES, ids=[s for s, _ in RAISES])
def test_fault_raises_in_boto3(root: str, queue: Queue, spec: str, error: type) -> None:
    queue({"text": TEXT}, faults=[spec])
    with pytest.raises(error):
        _events(root)


@pytest.mark.parametrize("spec", ["stall(after=2, seconds=5)", "first_token_delay(ms=5000)",
                                  "silent(seconds=5)", "slow_headers(ms=5000)"])
def test_fault_that_goes_quiet_times_out_in_boto3(root: str, queue: Queue, spec: str) -> None:
    queue({"text": TEXT}, faults=[spec])
    with pytest.raises((urllib3.exceptions.ReadTimeoutError, BotoReadTimeout)):
        _events(root, read_timeout=0.5)


@pytest.mark.parametrize("spec", ["split(mode=every_byte)", "split(mode=random, size=5)",
                                  "coalesce(events=3)", "drip(bytes_per_s=50000, piece=40)",
                                  "content_type(value=text/plain)", "bom", "keepalive(every_ms=5)"])
def test_fault_that_keeps_the_frames_whole_is_read_in_full(root: str, queue: Queue,
                                                           spec: str) -> None:
    queue({"text": TEXT}, faults=[spec])
    events = _events(root)
    assert stream_text(events) == TEXT and "metadata" in events[-1]


@pytest.mark.parametrize("spec", ["truncated_frame(at=3)", "close(after=2, mode=clean)"])
def test_fault_that_ends_the_body_early_is_a_silent_truncation(root: str, queue: Queue,
                                                                spec: str) -> None:
    queue({"text": TEXT}, faults=[spec])
    events = _events(root)
    assert stream_text(events) == "Hello" and not any("messageStop" in e for e in events)


def test_exception_event_names_its_type_in_the_client_error(root: str, queue: Queue) -> None:
    queue({"text": TEXT}, faults=["exception_event(at=3, type=throttlingException)"])
    seen = []
    with closing(client_for(root)) as client, pytest.raises(EventStreamError) as info:
        stream = client.converse_stream(modelId=CLAUDE, messages=USER)["stream"]
        with closing(stream):
            for event in stream:
                seen.append(event)
    assert info.value.response["Error"] == {
        "Code": "throttlingException",
        "Message": "Too many requests, please wait before trying again."}
    assert stream_text(seen) == "Hello"


def test_malformed_json_event_reaches_boto3_empty(root: str, queue: Queue) -> None:
    queue({"text": TEXT}, faults=["malformed_json(at=2, kind=garbage)"])
    events = _events(root)
    assert events[1] == {"contentBlockDelta": {}}  # botocore keeps the event, drops the body


def test_duplicate_chunk_repeats_a_piece(root: str, queue: Queue) -> None:
    queue({"text": TEXT}, faults=["duplicate_chunk(at=2)"])
    assert stream_text(_events(root)) == "HelloHello there, world"
