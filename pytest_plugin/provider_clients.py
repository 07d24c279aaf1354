"""SDK clients for the providers beyond OpenAI and Anthropic, pointed at a test's lane.

    google_client(ms)   google.genai.Client(api_key, http_options={"base_url": lane root})
    ollama_client(ms)   ollama.Client(host=lane root)
    cohere_client(ms)   cohere.ClientV2(base_url=lane root, api_key, max_retries=0)

Each SDK builds an SSL context per client (google-genai three of them: 70-280 ms, more than a
whole test), so every client gets the session's one context. Clients that own a connection
pool the SDK never closes on its own (ollama's transport, the httpx client handed to cohere)
are closed when the SDK client is garbage-collected (`weakref.finalize`), so a test leaves no
socket open. Keyword arguments override any default. The SDKs are imported here, inside the
helpers, only when a test asks for their client.
"""

from __future__ import annotations

import weakref
from typing import Any

__all__ = ["google_client", "ollama_client", "cohere_client"]


def google_client(ms: Any, **kw: Any) -> Any:
    """A `google.genai.Client` on the lane (no retries: google-genai's default)."""
    from google import genai

    ssl = ms._session.ssl_context()
    options = kw.pop("http_options", None) or {}
    if not isinstance(options, dict):
        options = options.model_dump(exclude_none=True)
    options = {"base_url": ms.url, "client_args": {"verify": ssl},
               "async_client_args": {"verify": ssl, "ssl": ssl}, **options}
    kw.setdefault("api_key", ms.api_key)
    return genai.Client(http_options=genai.types.HttpOptions(**options), **kw)


def ollama_client(ms: Any, **kw: Any) -> Any:
    """An `ollama.Client` on the lane; it sends the fixture's key as a Bearer token (Ollama
    ignores it; a server started with `--api-key` checks it)."""
    import httpx
    import ollama

    owned = "transport" not in kw
    transport = kw.setdefault("transport", httpx.HTTPTransport(
        verify=ms._session.ssl_context()))
    kw.setdefault("headers", {"authorization": f"Bearer {ms.api_key}"})
    client = ollama.Client(host=kw.pop("host", ms.url), **kw)
    if owned:
        weakref.finalize(client, transport.close)
    return client


def cohere_client(ms: Any, **kw: Any) -> Any:
    """A `cohere.ClientV2` on the lane, without retries."""
    import cohere
    import httpx

    owned = "httpx_client" not in kw
    http = kw.setdefault("httpx_client", httpx.Client(verify=ms._session.ssl_context()))
    kw.setdefault("base_url", ms.url)
    kw.setdefault("api_key", ms.api_key)
    kw.setdefault("max_retries", 0)
    client = cohere.ClientV2(**kw)
    if owned:
        weakref.finalize(client, http.close)
    return client
