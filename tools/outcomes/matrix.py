"""What the outcome matrix runs: the clients, the cases (one spec per fault, plus variants)
and the settings every client shares.

    case    a fault spec: the catalogue's example (`fixtures.library.example_spec`), with the
            durations shortened or lengthened to fit the run (OVERRIDES), plus a few variants
            of faults whose modes differ for clients (VARIANTS); `(none)` is the baseline
    client  name, how it runs (python worker, node driver, browser), the protocol it speaks
            (chat SSE, Anthropic Messages SSE, WebSocket chat, Bedrock's AWS event stream,
            Azure OpenAI's SSE), the label used in tables

Settings: every client gets no retries and its own timeout option set to CLIENT_TIMEOUT_S
(where it has one); an attempt still running after DEADLINE_S is a `hang`. Faults that hold the
connection hold it for HOLD_S, longer than the deadline, so a client whose timeout does not
cover that phase hangs instead of finishing late.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.fixtures.library import example_spec

from mockserver.faults import registry

__all__ = [
    "Client", "Case", "CLIENTS", "TEXT", "CLIENT_TIMEOUT_S", "DEADLINE_S", "RECONNECT_S",
    "HOLD_S", "BASELINE", "cases", "applies", "README_CLIENTS",
]

TEXT = "Hello there, world! The quick brown fox jumps over the lazy dog."
CLIENT_TIMEOUT_S = 1.0
DEADLINE_S = 4.0
#: EventSource's extra allowance: Chromium waits about 3 s before it reconnects
RECONNECT_S = 4.0
HOLD_S = 10
BASELINE = "(none)"

OVERRIDES = {
    # ~2 KB in 50-byte writes: half a second (the example's 200 B/s would take ten)
    "drip": "drip(bytes_per_s=4000, piece=50)",
    "first_token_delay": f"first_token_delay(ms={HOLD_S * 1000})",
    "silent": f"silent(seconds={HOLD_S})",
    "slow_headers": f"slow_headers(ms={HOLD_S * 1000})",
    "stall": f"stall(after=2, seconds={HOLD_S})",
    "ws_stall": f"ws_stall(after=2, seconds={HOLD_S})",
    "status": "status(code=429)",
    # every_byte (the example) costs seconds of CPU per client; cutting inside each data line
    # shows the same reassembly duty
    "split": "split(mode=inside_data)",
}
VARIANTS = (
    "close(after=2, mode=clean)",
    "close(after=2, mode=reset)",
    f"done_variant(form=held_open, seconds={HOLD_S})",
    "done_variant(form=extra_space)",
    "error_event(at=3, shape=event_error)",
    "keepalive(every_ms=5, form=empty_data)",
    "malformed_json(at=2, kind=double_encoded)",
    "status(code=500)",
)


@dataclass(frozen=True)
class Case:
    spec: str
    fault: str  # registry name; "" for the baseline
    layer: str
    canonical: bool  # the fault's one case in the README column


@dataclass(frozen=True)
class Client:
    name: str
    runner: str  # python | node | browser
    protocol: str  # chat | messages | ws | bedrock (AWS event stream) | azure
    label: str  # short name in tables
    node_client: str = ""  # the driver's client name for node clients


CLIENTS: tuple[Client, ...] = (
    Client("openai-python", "python", "chat", "openai-python"),
    Client("openai-python-async", "python", "chat", "openai-python async"),
    Client("anthropic-python", "python", "messages", "anthropic"),
    Client("google-genai", "python", "gemini", "google-genai"),
    Client("ollama-python", "python", "ollama", "ollama-python"),
    Client("cohere-python", "python", "cohere", "cohere"),
    Client("httpx-sse", "python", "chat", "httpx-sse"),
    Client("langchain-openai", "python", "chat", "langchain-openai"),
    Client("pydantic-ai", "python", "chat", "pydantic-ai"),
    Client("openai-node", "node", "chat", "openai-node", node_client="openai"),
    Client("anthropic-node", "node", "messages", "@anthropic-ai/sdk", node_client="anthropic"),
    Client("vercel-ai", "node", "chat", "Vercel AI SDK", node_client="ai-sdk"),
    Client("chromium-fetch", "browser", "chat", "Chromium fetch"),
    Client("chromium-eventsource", "browser", "chat", "Chromium EventSource"),
    Client("websockets", "python", "ws", "websockets"),
    Client("boto3-bedrock", "python", "bedrock", "boto3 (Bedrock)"),
    Client("anthropic-bedrock", "python", "bedrock", "AnthropicBedrock"),
    Client("azure-openai", "python", "azure", "openai AzureOpenAI"),
)

#: the clients whose outcomes the README's fault table shows (the full table is docs/clients.md)
README_CLIENTS = ("openai-python", "anthropic-python", "httpx-sse", "openai-node",
                  "chromium-fetch", "websockets", "boto3-bedrock")


def cases() -> list[Case]:
    """The baseline, one canonical case per registered fault, then the variants."""
    faults = registry()
    out = [Case(BASELINE, "", "-", False)]
    for name, cls in faults.items():
        out.append(Case(OVERRIDES.get(name) or example_spec(cls), name, cls.layer, True))
    for spec in VARIANTS:
        name = spec.split("(")[0]
        out.append(Case(spec, name, faults[name].layer, False))
    return out


def applies(client: Client, case: Case) -> str | None:
    """None when the case is measured for the client, else why it is `n/a`."""
    if case.fault == "":
        return None
    if client.protocol == "ws":
        return None if case.layer == "ws" else "an HTTP fault; this client speaks WebSocket"
    if case.layer == "ws":
        return "a WebSocket fault; this client speaks HTTP"
    return None
