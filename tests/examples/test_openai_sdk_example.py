"""What the official SDKs do under faults, shown with the fixture (sync, async, retries)."""

from __future__ import annotations

import httpcore2
import httpx2
import openai
import pytest

MSG = [{"role": "user", "content": "Hi"}]


def test_reset_mid_stream_raises_an_sdk_or_a_transport_error(mockserver):
    """A reset before the head is read is an APIConnectionError; once iteration has begun,
    openai-python lets the transport's ReadError through unwrapped (httpx2's, or even
    httpcore2's, depending on where the read was when the RST arrived)."""
    mockserver.stream("Hello there, world", faults=["close(after=1, mode=reset)"])
    chat = mockserver.openai_client().chat.completions
    with pytest.raises((openai.APIConnectionError, httpx2.ReadError, httpcore2.ReadError)):
        list(chat.create(model="gpt-4o", messages=MSG, stream=True))
    assert mockserver.requests[0].outcome == "reset"


def test_sdk_retries_a_rate_limit_then_succeeds(mockserver):
    mockserver.sequence(
        {"error": {"status": 429, "headers": {"retry-after-ms": "10"}}}, "Recovered"
    )
    client = mockserver.openai_client(max_retries=2)
    reply = client.chat.completions.create(model="gpt-4o", messages=MSG)
    assert reply.choices[0].message.content == "Recovered"
    assert [r.status for r in mockserver.requests] == [429, 200]


@pytest.mark.mockserver(scenario="tool-call-stream")
def test_library_scenario_streams_a_tool_call(mockserver):
    chat = mockserver.openai_client().chat.completions
    calls = [
        call
        for chunk in chat.create(model="gpt-4o", messages=MSG, stream=True)
        if chunk.choices
        for call in chunk.choices[0].delta.tool_calls or []
    ]
    assert calls[0].function.name == "get_weather"
    assert "".join(c.function.arguments or "" for c in calls) == '{"city": "Paris"}'


@pytest.mark.asyncio
async def test_async_client_sees_an_http_error(mockserver):
    mockserver.error(503, message="Service overloaded")
    client = mockserver.async_openai_client()
    with pytest.raises(openai.InternalServerError, match="Service overloaded"):
        await client.chat.completions.create(model="gpt-4o", messages=MSG)
