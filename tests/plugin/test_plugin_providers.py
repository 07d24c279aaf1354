"""The fixture's provider clients (`google_client()`, `ollama_client()`, `cohere_client()`) on
the test's lane, and the providers' environment variables (SPEC 13) pointing there too."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_provider_clients_and_environment_reach_the_tests_lane(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import gc
        import os

        import ollama
        import pytest
        from google import genai
        from google.genai import types

        MSG = [{"role": "user", "content": "hi"}]

        def test_google_client(mockserver):
            mockserver.stream("Bonjour tout le monde", faults=["gemini_blocked(at=3)"])
            client = mockserver.google_client()
            chunks = list(client.models.generate_content_stream(
                model="gemini-2.5-flash", contents="hi"))
            assert "".join(c.text or "" for c in chunks) == "Bonjour tout"
            assert chunks[-1].candidates[0].finish_reason == types.FinishReason.SAFETY
            assert mockserver.requests[0].path.startswith(f"/lane/{mockserver.lane}/v1")

        def test_ollama_client(mockserver):
            mockserver.stream("Hallo Welt", faults=["error_event(at=2)"])
            client = mockserver.ollama_client()
            with pytest.raises(ollama.ResponseError):
                list(client.chat(model="llama3.2", messages=MSG, stream=True))
            assert mockserver.ollama_client().list().models
            del client
            gc.collect()  # the client's transport closes with it: no socket is left open

        def test_cohere_client(mockserver):
            mockserver.stream("Hola mundo")
            events = mockserver.cohere_client().chat_stream(model="command-a-03-2025",
                                                           messages=MSG)
            text = "".join(e.delta.message.content.text for e in events
                           if e.type == "content-delta")
            assert text == "Hola mundo"
            assert mockserver.requests[0].path == f"/lane/{mockserver.lane}/v2/chat"

        def test_clients_built_from_the_environment(mockserver):
            assert os.environ["OLLAMA_HOST"] == os.environ["CO_API_URL"] == mockserver.url
            assert os.environ["GOOGLE_GEMINI_BASE_URL"] == mockserver.url
            assert os.environ["GOOGLE_API_KEY"] == os.environ["CO_API_KEY"] == mockserver.api_key
            mockserver.stream("from the environment", times=2)
            with genai.Client() as client:
                reply = client.models.generate_content(model="gemini-2.5-flash", contents="hi")
            assert reply.text == "from the environment"
            with ollama.Client() as client:
                assert client.chat(model="llama3.2", messages=MSG).message.content == (
                    "from the environment")
        """
    )
    suite.runpytest_inprocess("-W", "error::ResourceWarning").assert_outcomes(passed=4)


APP = """
import cohere  # reads CO_API_URL now: ClientV2's default base_url is bound at import
with cohere.ClientV2() as client:
    answer = client.chat(model="command-a-03-2025", messages=[{"role": "user", "content": "hi"}])
print(answer.message.content[0].text)
"""


def test_cohere_built_from_the_environment_reaches_the_lane_when_imported_after_it(
    mockserver,
) -> None:
    """cohere binds CO_API_URL when it is imported, so the app runs in a fresh process."""
    mockserver.stream("from CO_API_URL")
    run = subprocess.run([sys.executable, "-c", APP], env=dict(os.environ), timeout=60,
                         capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "from CO_API_URL"
    assert [r.path for r in mockserver.requests] == [f"/lane/{mockserver.lane}/v2/chat"]
