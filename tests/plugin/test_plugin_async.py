"""Async SDK clients under pytest-asyncio and anyio: each test's loop, nothing left open."""

from __future__ import annotations

ASYNC_SUITE = """
import asyncio, gc
import openai, pytest

MSG = [{"role": "user", "content": "hi"}]

@pytest.fixture
def anyio_backend():
    return "asyncio"

async def chat(mockserver):
    mockserver.stream("Hello async world")
    client = mockserver.async_openai_client()
    stream = await client.chat.completions.create(model="gpt-4.1", messages=MSG, stream=True)
    return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

@pytest.mark.asyncio
async def test_pytest_asyncio(mockserver):
    assert await chat(mockserver) == "Hello async world"

@pytest.mark.asyncio
async def test_pytest_asyncio_again_new_loop(mockserver):
    assert await chat(mockserver) == "Hello async world"

@pytest.mark.asyncio(loop_scope="module")
async def test_module_scoped_loop(mockserver):
    assert await chat(mockserver) == "Hello async world"

@pytest.mark.anyio
async def test_anyio(mockserver):
    assert await chat(mockserver) == "Hello async world"

@pytest.mark.asyncio
async def test_abandoned_stream_and_fault(mockserver):
    mockserver.stream("Hello there, world", faults=["close(after=2, mode=abrupt)"])
    client = mockserver.async_openai_client()
    stream = await client.chat.completions.create(model="gpt-4.1", messages=MSG, stream=True)
    with pytest.raises(openai.APIConnectionError):
        async for _ in stream:
            pass
    mockserver.stream("left open")
    stream = await client.chat.completions.create(model="gpt-4.1", messages=MSG, stream=True)
    async for _ in stream:
        break  # never finished: the plugin closes the client in this loop

def test_no_unclosed_resources_afterwards():
    gc.collect()  # an unclosed socket or transport here is an error (filterwarnings=error)
"""


def test_async_openai_client_works_under_pytest_asyncio_and_anyio(suite):
    suite.makepyfile(ASYNC_SUITE)
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=6)
