"""openai-python (strict validation) on `POST /v1/responses` over a real socket: the raw event
iterator, the `responses.stream()` state machine (openai-wire.md 6.2) and non-stream bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
import pytest

from mockserver import MockServer

WEATHER = {"name": "get_weather", "arguments": '{"city": "Paris", "unit": "celsius"}'}
Queue = Callable[..., None]


def test_responses_stream_yields_canonical_text_events_in_order(
    oai: openai.OpenAI, queue: Queue
) -> None:
    queue({"text": "Hello there, world"})
    events = list(oai.responses.create(model="gpt-4.1", input="hi", stream=True))
    types = [e.type for e in events]
    assert types == [
        "response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added", "response.output_text.delta",
        "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
        "response.content_part.done", "response.output_item.done", "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert deltas == ["Hello", " there,", " world"]
    created, completed = events[0], events[-1]
    assert created.response.status == "in_progress" and created.response.usage is None
    assert completed.response.status == "completed"
    assert completed.response.id == created.response.id and created.response.id.startswith("resp_")
    assert completed.response.output_text == "Hello there, world"
    assert completed.response.usage is not None
    assert completed.response.usage.total_tokens == (
        completed.response.usage.input_tokens + completed.response.usage.output_tokens
    )


def test_responses_stream_helper_accumulates_text_and_final_response(
    oai: openai.OpenAI, queue: Queue
) -> None:
    queue({"chunks": ["Bon", "jour", " ☃ 世界"]})
    with oai.responses.stream(model="gpt-4o", input="hi") as stream:
        text = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert text == "Bonjour ☃ 世界"
    assert final.output_text == "Bonjour ☃ 世界"
    assert final.model == "gpt-4o-2024-08-06"
    assert final.output[0].id.startswith("msg_")


def test_responses_function_call_arguments_stream_and_parse(
    oai: openai.OpenAI, queue: Queue
) -> None:
    queue({"tool_calls": [WEATHER]})
    with oai.responses.stream(model="gpt-4.1", input="weather?") as stream:
        deltas = [e.delta for e in stream if e.type == "response.function_call_arguments.delta"]
        final = stream.get_final_response()
    assert len(deltas) > 1 and "".join(deltas) == WEATHER["arguments"]
    call = final.output[0]
    assert call.type == "function_call"
    assert call.name == "get_weather" and call.arguments == WEATHER["arguments"]
    assert call.id is not None and call.id.startswith("fc_") and call.call_id.startswith("call_")
    assert call.status == "completed"


def test_responses_reasoning_summary_comes_before_the_message(
    oai: openai.OpenAI, queue: Queue
) -> None:
    queue({"text": "Answer.", "reasoning": "**Planning** first.\n\nThen answering."})
    events = list(oai.responses.create(model="gpt-4.1", input="hi", stream=True))
    done = [e.text for e in events if e.type == "response.reasoning_summary_text.done"]
    assert done == ["**Planning** first.", "Then answering."]
    final = events[-1].response
    assert [item.type for item in final.output] == ["reasoning", "message"]
    assert [s.text for s in final.output[0].summary] == done
    assert final.usage is not None and final.usage.output_tokens_details.reasoning_tokens == 4


def test_responses_length_finish_ends_with_response_incomplete(
    oai: openai.OpenAI, queue: Queue
) -> None:
    queue({"text": "cut short", "finish_reason": "length"})
    events = list(oai.responses.create(model="gpt-4.1", input="hi", stream=True))
    last = events[-1]
    assert last.type == "response.incomplete"
    assert last.response.status == "incomplete"
    assert last.response.incomplete_details is not None
    assert last.response.incomplete_details.reason == "max_output_tokens"


def test_responses_non_stream_body_passes_strict_validation(
    oai: openai.OpenAI, queue: Queue
) -> None:
    queue({"text": "Plain answer", "tool_calls": [WEATHER]})
    response = oai.responses.create(
        model="gpt-4.1-mini", input=[{"role": "user", "content": "hi"}], instructions="Be brief",
        temperature=0.5, tools=[{"type": "function", "name": "get_weather", "parameters": {}}],
    )
    assert response.object == "response" and response.status == "completed"
    assert response.output_text == "Plain answer"
    assert [item.type for item in response.output] == ["message", "function_call"]
    assert response.instructions == "Be brief" and response.temperature == 0.5
    assert response.tools[0].type == "function"
    assert response._request_id is not None and response._request_id.startswith("req_")


def test_responses_default_reply_echoes_the_last_user_input(oai: openai.OpenAI) -> None:
    response = oai.responses.create(
        model="gpt-4.1",
        input=[{"role": "user", "content": [{"type": "input_text", "text": "Hi!"}]}],
    )
    assert response.output_text == "You said: Hi!"


def test_responses_unknown_model_is_a_400_model_not_found(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        oai.responses.create(model="gpt-nope", input="hi", stream=True)
    body: Any = info.value.body
    assert body["code"] == "model_not_found" and body["param"] == "model"
    assert "gpt-nope" in body["message"]


def test_responses_flat_error_event_is_yielded(oai: openai.OpenAI, queue: Queue) -> None:
    """`shape=event_error`: the documented flat `error` event; openai-python yields it."""
    queue({"text": "one two three"}, faults=["error_event(at=5, shape=event_error)"])
    events = list(oai.responses.create(model="gpt-4.1", input="hi", stream=True))
    assert events[-1].type == "error"
    assert events[-1].sequence_number == 4
    assert events[-1].code == "server_error" and events[-1].message


def test_responses_nested_error_event_raises_api_error(oai: openai.OpenAI, queue: Queue) -> None:
    """`shape=openai` (default): the nested shape seen from the real API; its truthy `error`
    key makes openai-python raise APIError (not a status error) mid-iteration."""
    queue({"text": "one two three"}, faults=["error_event(at=5)"])
    seen: list[str] = []
    with pytest.raises(openai.APIError) as info:
        for event in oai.responses.create(model="gpt-4.1", input="hi", stream=True):
            seen.append(event.type)
    assert not isinstance(info.value, openai.APIStatusError)
    assert info.value.code == "server_error"
    assert len(seen) == 4


def test_responses_failed_is_an_event_and_the_helper_has_no_final_response(
    oai: openai.OpenAI, queue: Queue
) -> None:
    """`shape=failed`: a terminal `response.failed`; never raised, the helper has no result."""
    queue({"text": "one two three"}, faults=["error_event(at=6, shape=failed)"])
    with oai.responses.stream(model="gpt-4.1", input="hi") as stream:
        events = list(stream)
        with pytest.raises(RuntimeError, match="response.completed"):
            stream.get_final_response()
    failed = events[-1]
    assert failed.type == "response.failed"
    assert failed.response.status == "failed"
    assert failed.response.error is not None and failed.response.error.code == "server_error"


@pytest.mark.parametrize("mode", ["reset", "abrupt"])  # TCP RST / no chunked terminator
def test_responses_stream_cut_raises_and_helper_has_no_final_response(
    oai: openai.OpenAI, queue: Queue, mode: str
) -> None:
    queue({"text": "one two three"}, faults=[f"close(after=5, mode={mode})"])
    seen: list[str] = []
    with pytest.raises(openai.APIConnectionError) as info:
        with oai.responses.stream(model="gpt-4.1", input="hi") as stream:
            seen.extend(e.type for e in stream)
    cause = type(info.value.__cause__).__name__
    assert cause == ("ReadError" if mode == "reset" else "RemoteProtocolError")
    assert len(seen) == 5 and seen[-1] == "response.output_text.delta"


def test_responses_unterminated_last_event_drops_response_completed(
    oai: openai.OpenAI, queue: Queue
) -> None:
    queue({"text": "one two"}, faults=["unterminated_last_event"])
    with oai.responses.stream(model="gpt-4.1", input="hi") as stream:
        types = [e.type for e in stream]
        with pytest.raises(RuntimeError, match="response.completed"):
            stream.get_final_response()
    assert "response.completed" not in types and types[-1] == "response.output_item.done"


def test_responses_status_503_is_retried_and_journaled(
    server: MockServer, lane: str, queue: Queue
) -> None:
    queue({"text": "late"}, times=3, faults=["status(code=503, retry_after_ms=1)"])
    with openai.OpenAI(
        base_url=server.lane_base_url(lane), api_key="test", max_retries=2, timeout=10,
        _strict_response_validation=True,
    ) as client, pytest.raises(openai.InternalServerError):
        client.responses.create(model="gpt-4.1", input="hi", stream=True)
    entries = server.requests(lane)
    assert [e.status for e in entries] == [503, 503, 503]
    assert [e.headers.get("x-stainless-retry-count") for e in entries] == ["0", "1", "2"]


def test_responses_bom_is_harmless_to_openai_python(oai: openai.OpenAI, queue: Queue) -> None:
    """openai-python dispatches Responses events on `data.type`, so losing the first `event:`
    line to a BOM changes nothing (a client switching on `event:` would lose response.created)."""
    queue({"text": "a b"}, faults=["bom"])
    with oai.responses.stream(model="gpt-4.1", input="hi") as stream:
        assert stream.get_final_response().output_text == "a b"
