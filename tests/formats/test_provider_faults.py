"""Every fault that acts on a provider's framing, against that provider's SDK over a real socket,
asserting what the client observes: the text it returns, or the exception it raises.

    Gemini   google-genai (httpx2), SSE with CRLF: transport faults, SSE syntax faults, the
             JSON-event faults, gemini_blocked
    Ollama   ollama-python (httpx), NDJSON: transport faults and the JSON-event faults
    Cohere   cohere.ClientV2 (httpx), typed SSE: transport faults, SSE syntax, JSON events

docs/clients.md records the same outcomes for every client (python -m tools.outcomes).
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from typing import Any

import cohere
import httpx
import httpx2
import ollama
import pytest
from cohere.core.http_sse import SSEError
from google import genai
from google.genai import errors as genai_errors

from mockserver import MockServer, parse_faults

TEXT = "Hello there, world! The quick brown fox."
TIMEOUT = 0.3  # the client's read timeout: holding faults hold longer (HOLD)
HOLD = 2
SSL = ssl.create_default_context()


def gemini(root: str) -> str:
    with genai.Client(api_key="test", http_options={
            "base_url": root, "timeout": int(TIMEOUT * 1000), "client_args": {"verify": SSL},
            "async_client_args": {"verify": SSL, "ssl": SSL}}) as client:
        chunks = client.models.generate_content_stream(model="gemini-2.5-flash", contents="Hi")
        return "".join(chunk.text or "" for chunk in chunks)


def ollama_chat(root: str) -> str:
    with httpx.HTTPTransport(verify=SSL) as transport:
        client = ollama.Client(host=root, timeout=TIMEOUT, transport=transport)
        parts = client.chat(model="llama3.2", messages=[{"role": "user", "content": "Hi"}],
                            stream=True)
        return "".join(part.message.content or "" for part in parts)


def cohere_chat(root: str) -> str:
    with httpx.Client(verify=SSL, timeout=TIMEOUT) as http:
        client = cohere.ClientV2(base_url=root, api_key="test", max_retries=0, timeout=TIMEOUT,
                                 httpx_client=http)
        events = client.chat_stream(model="command-a-03-2025",
                                    messages=[{"role": "user", "content": "Hi"}])
        return "".join(e.delta.message.content.text for e in events if e.type == "content-delta")


OK = ("ok", TEXT)
TIMED_OUT = [(f"first_token_delay(ms={HOLD * 1000})", "timeout"), (f"silent(seconds={HOLD})",
             "timeout"), (f"slow_headers(ms={HOLD * 1000})", "timeout"),
             (f"stall(after=2, seconds={HOLD})", "timeout")]
TRANSPORT = [
    ("close(after=2, mode=abrupt)", "protocol"), ("close(after=2, mode=reset)", "reset"),
    ("broken_chunked(after=2)", "protocol"), ("empty_reply", "protocol"),
    ("split(mode=every_byte)", OK), ("split(mode=inside_data, gap_ms=1)", OK),
    ("coalesce(events=3)", OK), ("drip(bytes_per_s=20000, piece=64)", OK), *TIMED_OUT,
]
GEMINI_CASES = [
    *TRANSPORT,
    ("close(after=2, mode=clean)", ("text", "Hello there,")),
    ("status(code=429)", genai_errors.ClientError), ("status(code=503)", genai_errors.ServerError),
    ("error_event(at=3)", genai_errors.ServerError),
    ("malformed_json(at=2)", genai_errors.UnknownApiResponseError),
    ("duplicate_chunk(at=2)", ("text", "Hello there, there, world! The quick brown fox.")),
    ("gemini_blocked(at=2)", ("text", "Hello")),
    ("gemini_blocked(at=3, reason=recitation)", ("text", "Hello there,")),
    ("bom", genai_errors.UnknownApiResponseError),
    ("keepalive(every_ms=5)", genai_errors.UnknownApiResponseError),
    ("field_noise(at=2)", genai_errors.UnknownApiResponseError),
    ("invalid_utf8(at=2)", genai_errors.UnknownApiResponseError),
    ("line_endings(style=mixed)", OK), ("unterminated_last_event", OK), ("not_streamed", OK),
]
OLLAMA_CASES = [
    *TRANSPORT,
    ("close(after=2, mode=clean)", ("text", "Hello there,")),
    ("status(code=429)", ollama.ResponseError), ("status(code=500)", ollama.ResponseError),
    ("error_event(at=3)", ollama.ResponseError),
    ("malformed_json(at=2)", json.JSONDecodeError),
    ("duplicate_chunk(at=2)", ("text", "Hello there, there, world! The quick brown fox.")),
    ("missing_done", OK), ("not_streamed", OK),
]
COHERE_CASES = [
    *TRANSPORT,
    ("close(after=2, mode=clean)", ("text", "")),
    ("status(code=429)", cohere.TooManyRequestsError),
    ("status(code=500)", cohere.InternalServerError),
    ("error_event(at=4)", ("text", "Hello")),
    ("malformed_json(at=3)", ("text", " there, world! The quick brown fox.")),
    ("duplicate_chunk(at=3)", ("text", "HelloHello there, world! The quick brown fox.")),
    ("missing_done", OK), ("done_variant(form=extra_space)", OK), ("bom", OK),
    ("keepalive(every_ms=5)", OK), ("field_noise(at=2)", OK), ("line_endings(style=crlf)", OK),
    ("content_type(value=text/plain)", SSEError),
    ("not_streamed", SSEError),
]
#: the exception each transport failure surfaces as, per HTTP library
FAILURES: dict[str, dict[str, type[BaseException]]] = {
    "gemini": {"protocol": httpx2.RemoteProtocolError, "reset": httpx2.ReadError,
               "timeout": httpx2.ReadTimeout},
    "ollama": {"protocol": httpx.RemoteProtocolError, "reset": httpx.ReadError,
               "timeout": httpx.ReadTimeout},
    "cohere": {"protocol": httpx.RemoteProtocolError, "reset": httpx.ReadError,
               "timeout": httpx.ReadTimeout},
}
CLIENTS: dict[str, Callable[[str], str]] = {
    "gemini": gemini, "ollama": ollama_chat, "cohere": cohere_chat}
CASES = [(provider, spec, expected) for provider, cases in (
    ("gemini", GEMINI_CASES), ("ollama", OLLAMA_CASES), ("cohere", COHERE_CASES))
    for spec, expected in cases]


@pytest.mark.parametrize(("provider", "spec", "expected"), CASES,
                         ids=[f"{p}-{s}" for p, s, _ in CASES])
def test_the_provider_sdk_observes_the_fault(
    server: MockServer, lane: str, provider: str, spec: str, expected: Any
) -> None:
    server.enqueue({"response": {"text": TEXT}, "seed": 7, "faults": [spec]}, lane=lane)
    call = CLIENTS[provider]
    if isinstance(expected, str):
        expected = FAILURES[provider][expected]
    if isinstance(expected, tuple):
        assert call(server.url_for("", lane=lane)) == expected[1]
    else:
        with pytest.raises(expected):
            call(server.url_for("", lane=lane))
    assert server.requests(lane)[0].faults == tuple(f.spec() for f in parse_faults(spec))
