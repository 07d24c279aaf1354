"""Azure OpenAI through `openai.AzureOpenAI` over a real socket: chat (stream and not),
completions, embeddings, the content-filter annotations and errors, api-version and api-key,
deployments, bad input in Azure's shape, lanes and named scenarios, and the faults, asserting
what the SDK observes; plus the canonical stream bytes (no socket)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from mockserver import MockServer
from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.plan import WirePlan
from mockserver.core.scenario import Response
from mockserver.sse import decode_all

GOLDEN = Path(__file__).parent / "golden"
VERSION = "2024-10-21"
USER = [{"role": "user", "content": "Tell me about Paris"}]
TEXT = "Hello there, world"
WEATHER = {"name": "get_weather", "arguments": '{"city": "Paris"}'}
SAFE = {c: {"filtered": False, "severity": "safe"}
        for c in ("hate", "self_harm", "sexual", "violence")}
Queue = Callable[..., None]


def azure_plan(response: dict[str, Any], seed: int = 7) -> WirePlan:
    path = "/openai/deployments/gpt-4o/chat/completions"
    body = {"messages": [{"role": "user", "content": "Say hi"}], "stream": True}
    view = view_for("azure_chat", path, body, {"deployment": "gpt-4o"})
    return compile_plan(view, response=Response.from_dict(response), seed=seed,
                        model="gpt-4o-2024-08-06")


@pytest.fixture
def root(server: MockServer, lane: str) -> str:
    return server.url_for("", lane=lane).rstrip("/")


def azure_for(root: str, **kw: Any) -> openai.AzureOpenAI:
    kw.setdefault("api_version", VERSION)
    return openai.AzureOpenAI(azure_endpoint=root, api_key="test", max_retries=0, timeout=10,
                              **kw)


@pytest.fixture
def az(root: str) -> Iterator[openai.AzureOpenAI]:
    with azure_for(root) as client:
        yield client


def chunks_text(chunks: Any) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def test_canonical_azure_chat_stream_bytes_are_exact() -> None:
    plan = azure_plan({"text": "Hi there"})
    assert plan.body() == (GOLDEN / "azure_chat_text_seed7.sse").read_bytes()
    first, second = (json.loads(e.data) for e in decode_all([plan.body()])[:2])
    assert first == {"choices": [], "created": 0, "id": "", "model": "", "object": "",
                     "prompt_filter_results": [{"prompt_index": 0,
                                                "content_filter_results": SAFE}]}
    assert list(second) == sorted(second) and "service_tier" not in second
    assert second["choices"][0]["content_filter_results"] == {}
    assert plan.start is not None and plan.start.header("apim-request-id")
    assert azure_plan({"text": "Hi there"}, seed=8).body() != plan.body()  # ids from the seed


def test_chat_stream_starts_with_the_prompt_filter_chunk(az: openai.AzureOpenAI,
                                                        queue: Queue) -> None:
    queue({"text": TEXT})
    chunks = list(az.chat.completions.create(model="gpt-4o", messages=USER, stream=True))
    assert chunks[0].choices == [] and chunks[0].object == ""
    assert chunks[0].model_extra["prompt_filter_results"][0]["prompt_index"] == 0
    assert chunks_text(chunks) == TEXT
    content = [c for c in chunks if c.choices and c.choices[0].delta.content]
    assert all(c.choices[0].model_extra["content_filter_results"] == SAFE for c in content)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model == "gpt-4o-2024-08-06"


def test_strict_validation_rejects_azures_real_first_chunk(root: str) -> None:
    """openai-python's strict mode wants `object: "chat.completion.chunk"`; Azure's prompt
    filter chunk says `""`. Measured with the pinned SDK: strict clients cannot stream Azure."""
    with azure_for(root, _strict_response_validation=True) as client:
        with pytest.raises(openai.APIResponseValidationError):
            list(client.chat.completions.create(model="gpt-4o", messages=USER, stream=True))


def test_chat_non_stream_passes_strict_validation_with_filter_results(root: str,
                                                                      queue: Queue) -> None:
    queue({"text": "Sure.", "tool_calls": [WEATHER]})
    with azure_for(root, _strict_response_validation=True) as client:
        raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=USER)
    completion = raw.parse()
    assert completion.choices[0].message.tool_calls[0].function.name == "get_weather"
    assert completion.choices[0].model_extra["content_filter_results"] == SAFE
    assert completion.model_extra["prompt_filter_results"][0]["content_filter_results"] == SAFE
    assert raw.headers["x-request-id"] == raw.headers["apim-request-id"]
    assert "openai-version" not in raw.headers


def test_tool_call_stream_accumulates(az: openai.AzureOpenAI, queue: Queue) -> None:
    queue({"tool_calls": [WEATHER]})
    chunks = list(az.chat.completions.create(model="gpt-4o", messages=USER, stream=True))
    arguments = "".join(c.choices[0].delta.tool_calls[0].function.arguments or ""
                        for c in chunks if c.choices and c.choices[0].delta.tool_calls)
    assert json.loads(arguments) == {"city": "Paris"}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_completions_and_embeddings_on_their_deployments(az: openai.AzureOpenAI) -> None:
    text = az.completions.create(model="gpt-35-turbo-instruct", prompt="Hi").choices[0].text
    assert text == "You said: Hi"
    streamed = list(az.completions.create(model="gpt-35-turbo-instruct", prompt="Hi",
                                          stream=True))
    assert streamed[0].choices == [] and "".join(
        c.choices[0].text for c in streamed if c.choices) == "You said: Hi"
    embedding = az.embeddings.create(model="text-embedding-3-large", input="hello")
    assert len(embedding.data[0].embedding) == 3072
    assert embedding.model == "text-embedding-3-large"


def test_prompt_content_filter_is_a_400_with_innererror(root: str) -> None:
    with azure_for(root + "/scenario/azure-content-filter-jailbreak") as client:
        with pytest.raises(openai.BadRequestError) as info:
            client.chat.completions.create(model="gpt-4o", messages=USER, stream=True)
    assert info.value.code == "content_filter" and info.value.param == "prompt"
    body: Any = info.value.body
    assert body["status"] == 400 and body["innererror"]["code"] == "ResponsibleAIPolicyViolation"
    assert body["innererror"]["content_filter_result"]["jailbreak"] == {
        "detected": True, "filtered": True}


def test_output_content_filter_ends_the_stream_with_its_verdict(root: str) -> None:
    with azure_for(root + "/scenario/azure-content-filter-output") as client:
        chunks = list(client.chat.completions.create(model="gpt-4o", messages=USER,
                                                     stream=True))
    last = chunks[-1].choices[0]
    assert last.finish_reason == "content_filter"
    assert last.model_extra["content_filter_results"]["hate"] == {
        "filtered": True, "severity": "high"}


@pytest.mark.parametrize("query", ["", "?api-version=2031-01-01"])
def test_missing_or_unknown_api_version_is_resource_not_found(root: str, query: str) -> None:
    response = httpx.post(f"{root}/openai/deployments/gpt-4o/chat/completions{query}",
                          json={"messages": USER}, timeout=10)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "404", "message": "Resource not found"}}


def test_unknown_deployment_is_deployment_not_found(az: openai.AzureOpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        az.chat.completions.create(model="my-deployment", messages=USER)
    assert info.value.code == "DeploymentNotFound"


def test_deployments_added_with_models_are_served() -> None:
    with MockServer(models=("prod-4o",)) as server, azure_for(server.url) as client:
        reply = client.chat.completions.create(model="prod-4o", messages=USER)
    assert reply.model == "prod-4o"


def test_api_key_header_or_bearer_is_checked_with_an_api_key() -> None:
    with MockServer(api_key="secret") as server:
        with azure_for(server.url) as wrong, pytest.raises(openai.AuthenticationError) as info:
            wrong.chat.completions.create(model="gpt-4o", messages=USER)
        url = f"{server.url}/openai/deployments/gpt-4o/chat/completions?api-version={VERSION}"
        by_key = httpx.post(url, json={"messages": USER}, headers={"api-key": "secret"})
        by_bearer = httpx.post(url, json={"messages": USER},
                               headers={"authorization": "Bearer secret"})
    assert info.value.code == "401" and "Access denied" in info.value.message
    assert by_key.status_code == 200 and by_bearer.status_code == 200


@pytest.mark.parametrize(("body", "param"), [
    ({}, "messages"), ({"messages": "hi"}, "messages"),
    ({"messages": USER, "temperature": "hot"}, "temperature"),
])
def test_bad_input_is_a_400_in_openais_shape(root: str, body: Any, param: str) -> None:
    response = httpx.post(f"{root}/openai/deployments/gpt-4o/chat/completions"
                          f"?api-version={VERSION}", json=body, timeout=10)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error"


def test_x_mock_fault_header_and_journal(server: MockServer, root: str, lane: str) -> None:
    with azure_for(root, default_headers={"X-Mock-Fault": "close(after=3, mode=abrupt)"}) as c:
        with pytest.raises(openai.APIConnectionError):
            list(c.chat.completions.create(model="gpt-4o", messages=USER, stream=True))
    [entry] = server.requests(lane)
    assert entry.faults == ("close(after=3)",)  # the canonical spec (abrupt is the default)
    assert entry.path == f"/lane/{lane}/openai/deployments/gpt-4o/chat/completions"


# -- faults, as AzureOpenAI's stream observes them --------------------------------------------
RAISES = [
    ("close(after=2, mode=abrupt)", openai.APIConnectionError),
    ("close(after=2, mode=reset)", openai.APIConnectionError),
    ("error_event(at=3)", openai.APIError),
    ("status(code=429, retry_after=1)", openai.RateLimitError),
    ("malformed_json(at=3, kind=garbage)", json.JSONDecodeError),
    ("empty_reply", openai.APIConnectionError),
]


@pytest.mark.parametrize(("spec", "error"), RAISES, ids=[s for s, _ in RAISES])
def test_fault_raises_in_the_azure_client(az: openai.AzureOpenAI, queue: Queue, spec: str,
                                          error: type) -> None:
    queue({"text": TEXT}, faults=[spec])
    with pytest.raises(error):
        list(az.chat.completions.create(model="gpt-4o", messages=USER, stream=True))


def test_status_429_has_azures_own_body(az: openai.AzureOpenAI, queue: Queue) -> None:
    queue({"text": TEXT}, faults=["status(code=429, retry_after=1)"])
    with pytest.raises(openai.RateLimitError) as info:
        az.chat.completions.create(model="gpt-4o", messages=USER)
    assert info.value.code == "429" and info.value.response.headers["retry-after"] == "1"


@pytest.mark.parametrize("spec", ["split(mode=every_byte)", "coalesce(events=4)", "bom",
                                  "line_endings(style=crlf)", "keepalive(every_ms=5)"])
def test_fault_the_sse_parser_absorbs(az: openai.AzureOpenAI, queue: Queue, spec: str) -> None:
    queue({"text": TEXT}, faults=[spec])
    chunks = az.chat.completions.create(model="gpt-4o", messages=USER, stream=True)
    assert chunks_text(chunks) == TEXT


def test_bedrock_faults_leave_an_azure_stream_alone(az: openai.AzureOpenAI,
                                                    queue: Queue) -> None:
    queue({"text": TEXT}, faults=["bad_crc(at=2); truncated_frame(at=3); exception_event(at=2)"])
    assert chunks_text(az.chat.completions.create(model="gpt-4o", messages=USER,
                                                  stream=True)) == TEXT
