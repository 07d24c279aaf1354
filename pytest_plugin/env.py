"""Wiring without code changes (SPEC 13): the SDKs' environment variables point at a test's lane.

Application code usually builds its client from the environment (`OpenAI()`, LangChain's
`ChatOpenAI()`, pydantic-ai's `OpenAIProvider()`, `anthropic.Anthropic()`, LiteLLM). For each
test the `mockserver` fixture sets these variables to the test's own lane and restores every
one of them (set, changed or absent) at teardown, so that code talks to the lane unchanged:

    OPENAI_BASE_URL, OPENAI_API_BASE    http://HOST:PORT/lane/<id>/v1
    OPENAI_API_KEY                      the fixture's api_key
    GOOGLE_GEMINI_BASE_URL              http://HOST:PORT/lane/<id>   (google-genai; GOOGLE_API_KEY)
    OLLAMA_HOST                         http://HOST:PORT/lane/<id>   (read when a Client is made;
                                        `ollama.chat()` uses a client made at import)
    CO_API_URL                          http://HOST:PORT/lane/<id>   (cohere reads it when
                                        imported: import cohere inside the test; CO_API_KEY)
    ANTHROPIC_BASE_URL                  http://HOST:PORT/lane/<id>   (the SDK appends /v1)
    ANTHROPIC_API_KEY                   the fixture's api_key
    AZURE_OPENAI_ENDPOINT               http://HOST:PORT/lane/<id>   (openai.AzureOpenAI()
    AZURE_OPENAI_API_KEY, OPENAI_API_VERSION      appends /openai/deployments/...)
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME    http://HOST:PORT/lane/<id>   (boto3's bedrock-runtime
    ANTHROPIC_BEDROCK_BASE_URL          client; anthropic.AnthropicBedrock())
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_REGION
                                        kept when set (the signature is not checked), else
                                        dummies, so boto3 can sign without a profile

Provider SDKs add their variables to `WIRING` as their routes land. Opt out per test with
`@pytest.mark.mockserver(env=False)` or for the run with `--mockserver-no-env`.

Each xdist worker is its own process with its own environment, and runs one test at a time,
so the wiring never crosses between parallel tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

__all__ = ["NO_ENV_OPTION", "WIRING", "wired_values", "wire_environment"]

NO_ENV_OPTION = "--mockserver-no-env"

#: variable -> its value for a test, from the test's `MockserverFixture`
WIRING: dict[str, Callable[[Any], str]] = {
    "OPENAI_BASE_URL": lambda ms: str(ms.base_url),
    "OPENAI_API_BASE": lambda ms: str(ms.base_url),  # LiteLLM and older LangChain read this one
    "OPENAI_API_KEY": lambda ms: str(ms.api_key),
    # Gemini (google-genai), Ollama (ollama-python) and Cohere (cohere.ClientV2)
    "GOOGLE_GEMINI_BASE_URL": lambda ms: str(ms.url),
    "GOOGLE_API_KEY": lambda ms: str(ms.api_key),
    "OLLAMA_HOST": lambda ms: str(ms.url),
    "CO_API_URL": lambda ms: str(ms.url),
    "CO_API_KEY": lambda ms: str(ms.api_key),
    "ANTHROPIC_BASE_URL": lambda ms: str(ms.url),
    "ANTHROPIC_API_KEY": lambda ms: str(ms.api_key),
    "AZURE_OPENAI_ENDPOINT": lambda ms: str(ms.url),
    "AZURE_OPENAI_API_KEY": lambda ms: str(ms.api_key),
    "OPENAI_API_VERSION": lambda ms: os.environ.get("OPENAI_API_VERSION") or "2024-10-21",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": lambda ms: str(ms.url),
    "ANTHROPIC_BEDROCK_BASE_URL": lambda ms: str(ms.url),
    "AWS_ACCESS_KEY_ID": lambda ms: os.environ.get("AWS_ACCESS_KEY_ID") or "mockserver",
    "AWS_SECRET_ACCESS_KEY": lambda ms: os.environ.get("AWS_SECRET_ACCESS_KEY") or "mockserver",
    "AWS_DEFAULT_REGION": lambda ms: os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
    "AWS_REGION": lambda ms: (os.environ.get("AWS_REGION")
                              or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"),
}


def wired_values(ms: Any) -> dict[str, str]:
    """The variables and values the fixture sets for the test behind `ms`."""
    return {name: value(ms) for name, value in WIRING.items()}


def wire_environment(ms: Any) -> pytest.MonkeyPatch:
    """Set every wired variable for this test; `undo()` on the result restores them all."""
    patch = pytest.MonkeyPatch()
    for name, value in wired_values(ms).items():
        patch.setenv(name, value)
    return patch
