"""README example: code that builds its client from the environment needs no change.

The `mockserver` fixture sets OPENAI_BASE_URL / OPENAI_API_KEY (and Anthropic's) to this
test's lane for the duration of the test, so `env_app` reaches the lane's scripted answers.
"""

from __future__ import annotations

import asyncio

import openai
import pytest
from env_app import answer_with_pydantic_ai, summarize, summarize_with_langchain


def test_bare_openai_client_from_the_environment_reaches_the_lane(mockserver):
    mockserver.stream("A short summary.")
    assert summarize("Summarize this.") == "A short summary."
    assert mockserver.requests[0].path.startswith(f"/lane/{mockserver.lane}/")


def test_a_fault_scripted_for_the_lane_reaches_an_app_built_from_the_environment(mockserver):
    mockserver.stream("never whole", faults=["close(after=2, mode=reset)"])
    with pytest.raises(openai.APIConnectionError):
        summarize("Summarize this.")


def test_langchain_chat_model_from_the_environment_reaches_the_lane(mockserver):
    mockserver.stream("Paris is the capital.")
    assert summarize_with_langchain("Capital of France?") == "Paris is the capital."
    assert mockserver.requests[0].body["model"] == "gpt-4o-mini"


def test_pydantic_ai_agent_from_the_environment_reaches_the_lane(mockserver):
    mockserver.stream("Forty-two.")
    assert asyncio.run(answer_with_pydantic_ai("The answer?")) == "Forty-two."
    assert mockserver.requests[0].path == f"/lane/{mockserver.lane}/v1/chat/completions"
