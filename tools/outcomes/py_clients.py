"""The Python clients of the outcome matrix: one function per client, `run(url, job) -> str`.

Each reads one streamed answer the way the client's own docs show, with the matrix's common
settings: no retries, the client's own timeout option set to `job["timeout"]` seconds, and
guards for what is the caller's job rather than the client's (a chunk with no `choices`, a
`None` delta), so an outcome measures the client, not the snippet. The text returned is what
the client delivered; an exception is the finding. Imports are local: a client that is not
installed is reported as skipped, and this module runs under any interpreter (the drift
check's throwaway environment) with nothing from mockserver.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any

__all__ = ["CLIENTS", "DISTRIBUTIONS"]

PROMPT = "Hello"
CHAT_MODEL = "gpt-4.1"
CLAUDE_MODEL = "claude-sonnet-4.5"
BEDROCK_MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def _chat_text(chunks: Any) -> str:
    text = ""
    for chunk in chunks:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
    return text


def openai_sync(url: str, job: dict[str, Any]) -> str:
    import openai

    with openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0,
                       timeout=job["timeout"]) as client:
        stream = client.chat.completions.create(
            model=CHAT_MODEL, messages=[{"role": "user", "content": PROMPT}], stream=True)
        return _chat_text(stream)


async def _openai_async(url: str, job: dict[str, Any]) -> str:
    import openai

    async with openai.AsyncOpenAI(base_url=url, api_key="sk-test", max_retries=0,
                                  timeout=job["timeout"]) as client:
        stream = await client.chat.completions.create(
            model=CHAT_MODEL, messages=[{"role": "user", "content": PROMPT}], stream=True)
        text = ""
        async for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
        return text


def openai_async(url: str, job: dict[str, Any]) -> str:
    return asyncio.run(_openai_async(url, job))


def anthropic_sync(url: str, job: dict[str, Any]) -> str:
    import anthropic

    root = url[: -len("/v1")] if url.endswith("/v1") else url  # the SDK appends /v1/messages
    with anthropic.Anthropic(base_url=root, api_key="sk-test", max_retries=0,
                             timeout=job["timeout"]) as client:
        with client.messages.stream(
            model=CLAUDE_MODEL, max_tokens=256, messages=[{"role": "user", "content": PROMPT}]
        ) as stream:
            return "".join(stream.text_stream)


GEMINI_MODEL = "gemini-2.5-flash"
OLLAMA_MODEL = "llama3.2"
COHERE_MODEL = "command-a-03-2025"


@functools.lru_cache(maxsize=1)
def _ssl_context() -> Any:
    """One SSL context for every case of a client: google-genai builds three per client, and
    ollama and cohere one (70-280 ms of CPU each), which on a busy machine turns quick cases
    into `hang`s. The context only verifies certificates; the clients act as they would."""
    import ssl

    return ssl.create_default_context()


def google_genai(url: str, job: dict[str, Any]) -> str:
    """Gemini's streamGenerateContent with google-genai (the lane's root is its base URL)."""
    from google import genai

    ssl = _ssl_context()
    options = {"base_url": url.removesuffix("/v1"), "timeout": int(job["timeout"] * 1000),
               "client_args": {"verify": ssl}, "async_client_args": {"verify": ssl, "ssl": ssl}}
    with genai.Client(api_key="test", http_options=options) as client:  # type: ignore[arg-type]
        chunks = client.models.generate_content_stream(model=GEMINI_MODEL, contents=PROMPT)
        return "".join(chunk.text or "" for chunk in chunks)


def ollama_python(url: str, job: dict[str, Any]) -> str:
    """Ollama's /api/chat stream (NDJSON) with ollama-python."""
    import ollama

    with ollama.Client(host=url.removesuffix("/v1"), timeout=job["timeout"],
                       verify=_ssl_context()) as client:
        parts = client.chat(model=OLLAMA_MODEL, messages=[{"role": "user", "content": PROMPT}],
                            stream=True)
        return "".join(part.message.content or "" for part in parts)


def cohere_python(url: str, job: dict[str, Any]) -> str:
    """Cohere's /v2/chat stream with cohere.ClientV2 (`content-delta` events carry the text)."""
    import cohere
    import httpx

    with httpx.Client(verify=_ssl_context(), timeout=job["timeout"]) as http, cohere.ClientV2(
            base_url=url.removesuffix("/v1"), api_key="test", max_retries=0,
            timeout=job["timeout"], httpx_client=http) as client:
        events = client.chat_stream(model=COHERE_MODEL,
                                    messages=[{"role": "user", "content": PROMPT}])
        return "".join(e.delta.message.content.text or "" for e in events
                       if e.type == "content-delta")


def httpx_sse(url: str, job: dict[str, Any]) -> str:
    import httpx
    from httpx_sse import connect_sse

    body = {"model": CHAT_MODEL, "stream": True, "messages": [{"role": "user", "content": PROMPT}]}
    text = ""
    with httpx.Client(timeout=job["timeout"]) as client, connect_sse(
        client, "POST", f"{url}/chat/completions", json=body,
        headers={"Authorization": "Bearer sk-test"},
    ) as source:
        for event in source.iter_sse():
            if event.data == "[DONE]":
                break
            chunk = event.json()
            for choice in chunk.get("choices") or []:
                text += (choice.get("delta") or {}).get("content") or ""
    return text


def langchain_openai(url: str, job: dict[str, Any]) -> str:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(model=CHAT_MODEL, base_url=url, api_key="sk-test",  # type: ignore[arg-type]
                     timeout=job["timeout"], max_retries=0)
    return "".join(str(chunk.content) for chunk in llm.stream(PROMPT))


async def _pydantic_ai(url: str, job: dict[str, Any]) -> str:
    import openai
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    client = openai.AsyncOpenAI(base_url=url, api_key="sk-test", max_retries=0,
                                timeout=job["timeout"])
    agent = Agent(OpenAIChatModel(CHAT_MODEL, provider=OpenAIProvider(openai_client=client)))
    text = ""
    async with agent.run_stream(PROMPT) as result:
        async for delta in result.stream_text(delta=True):
            text += delta
    await client.close()
    return text


def pydantic_ai(url: str, job: dict[str, Any]) -> str:
    return asyncio.run(_pydantic_ai(url, job))


def websockets_chat(url: str, job: dict[str, Any]) -> str:
    """The simple chat protocol on /v1/ws/chat with websockets' sync client."""
    from websockets.sync.client import connect

    ws_url = "ws" + url[len("http"):] + "/ws/chat"
    timeout = job["timeout"]
    text = ""
    with connect(ws_url, open_timeout=timeout, close_timeout=timeout) as ws:
        ws.send(json.dumps({"type": "auth", "api_key": "sk-test"}))
        reply = json.loads(ws.recv(timeout=timeout))
        if reply.get("type") != "auth_success":
            raise RuntimeError(f"auth failed: {reply}")
        ws.send(json.dumps({"type": "message", "model": CHAT_MODEL, "content": PROMPT,
                            "stream": True}))
        while True:
            message = json.loads(ws.recv(timeout=timeout))
            if message.get("type") == "chunk":
                text += message.get("content") or ""
            elif message.get("type") == "done":
                return text
            elif message.get("type") == "error":
                raise RuntimeError(f"error message: {message.get('message')}")


def _root(url: str) -> str:
    """The lane's root: provider SDKs append their own paths."""
    return url[: -len("/v1")] if url.endswith("/v1") else url


def boto3_bedrock(url: str, job: dict[str, Any]) -> str:
    """Bedrock's ConverseStream with boto3 (AWS event-stream frames, CRC-checked)."""
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    client = boto3.client(
        "bedrock-runtime", endpoint_url=_root(url), region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=job["timeout"],
                      read_timeout=job["timeout"]))
    try:
        reply = client.converse_stream(modelId=BEDROCK_MODEL,
                                       messages=[{"role": "user", "content": [{"text": PROMPT}]}])
        text = ""
        for event in reply["stream"]:
            delta = (event.get("contentBlockDelta") or {}).get("delta") or {}
            text += delta.get("text") or ""
        return text
    finally:
        client.close()


def anthropic_bedrock(url: str, job: dict[str, Any]) -> str:
    """Claude on Bedrock (InvokeModelWithResponseStream) with the anthropic SDK's client."""
    import anthropic

    with anthropic.AnthropicBedrock(aws_access_key="test", aws_secret_key="test",
                                    aws_region="us-east-1", base_url=_root(url), max_retries=0,
                                    timeout=job["timeout"]) as client:
        with client.messages.stream(
            model=BEDROCK_MODEL, max_tokens=256, messages=[{"role": "user", "content": PROMPT}]
        ) as stream:
            return "".join(stream.text_stream)


def azure_openai(url: str, job: dict[str, Any]) -> str:
    """Azure OpenAI chat with openai.AzureOpenAI (the deployment is the model)."""
    import openai

    with openai.AzureOpenAI(azure_endpoint=_root(url), api_version="2024-10-21",
                            api_key="sk-test", max_retries=0, timeout=job["timeout"]) as client:
        stream = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": PROMPT}], stream=True)
        return _chat_text(stream)


#: client name -> driver
CLIENTS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "openai-python": openai_sync,
    "openai-python-async": openai_async,
    "anthropic-python": anthropic_sync,
    "google-genai": google_genai,
    "ollama-python": ollama_python,
    "cohere-python": cohere_python,
    "httpx-sse": httpx_sse,
    "langchain-openai": langchain_openai,
    "pydantic-ai": pydantic_ai,
    "websockets": websockets_chat,
    "boto3-bedrock": boto3_bedrock,
    "anthropic-bedrock": anthropic_bedrock,
    "azure-openai": azure_openai,
}

#: client name -> the distributions whose versions are recorded (the first one is the client)
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "openai-python": ("openai", "httpx2"),
    "openai-python-async": ("openai", "httpx2"),
    "anthropic-python": ("anthropic", "httpx2"),
    "google-genai": ("google-genai", "httpx2"),
    "ollama-python": ("ollama", "httpx"),
    "cohere-python": ("cohere", "httpx"),
    "httpx-sse": ("httpx-sse", "httpx"),
    "langchain-openai": ("langchain-openai", "langchain-core", "openai"),
    "pydantic-ai": ("pydantic-ai-slim", "openai"),
    "websockets": ("websockets",),
    "boto3-bedrock": ("boto3", "botocore", "urllib3"),
    "anthropic-bedrock": ("anthropic", "botocore", "httpx2"),
    "azure-openai": ("openai", "httpx2"),
}
