"""The resilience matrix: run a client once per fault and classify what it did.

    mockserver.resilience(call, faults="all", timeout=5)
      for each fault (plus a no-fault baseline first):
        fresh lane  <test lane>-r<k>, scripted with a known text and the fault (every request)
        worker      call(base_url) in a daemon thread; we wait at most `timeout` seconds
        outcome     ok                  returned exactly the scripted text
                    raised <Exception>  raised (the client noticed the fault)
                    silent_truncation   returned without error but not the scripted text
                    hang                still running after `timeout` (left behind, joined
                                        at the end of the session; the run goes on)

`faults="all"` is every registered fault a plain HTTP client can observe (layers sse, payload,
http, tcp, eventstream; not ws or cors), each with its catalogue example or its bare name;
faults that need parameters and have no example are skipped. A fault that does not act on
the route's framing (an SSE fault on Bedrock's event stream) leaves the answer as it is.
`call` may also be an `async def`; it then runs in its own event loop inside the worker
thread.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

from .report import ResilienceReport, Row

__all__ = [
    "run_matrix", "all_fault_specs", "classify", "wire_text", "DEFAULT_TEXT", "HTTP_LAYERS",
]

DEFAULT_TEXT = "The quick brown fox jumps over the lazy dog, then naps in the warm afternoon sun."
HTTP_LAYERS = ("sse", "payload", "http", "tcp", "eventstream")
BASELINE = "(none)"


def all_fault_specs() -> list[str]:
    """One example spec per registered fault an HTTP client can observe."""
    from mockserver.faults import registry
    from mockserver.faults.base import param_info

    specs = []
    for name, cls in registry().items():
        if cls.layer not in HTTP_LAYERS:
            continue
        example = getattr(cls, "example", "")
        if example:
            specs.append(example)
        elif not any(p.get("required") for p in param_info(cls)):
            specs.append(name)
    return specs


def _specs(faults: Any) -> list[str]:
    from mockserver.faults import parse_faults

    if faults == "all":
        return all_fault_specs()
    if isinstance(faults, str):
        faults = [faults]
    specs = []
    for item in faults if isinstance(faults, Iterable) else [faults]:
        # one row per item, named as written; an item may combine faults ("split; close")
        parsed = parse_faults(item)  # validates: a typo fails before anything runs
        specs.append(item.strip() if isinstance(item, str) else "; ".join(f.spec() for f in parsed))
    return specs


def _layer(spec: str) -> str:
    from mockserver.faults import parse_faults

    layers = {type(f).layer for f in parse_faults(spec)}
    return ",".join(sorted(layers)) or "-"


class _Attempt:
    """`call(base_url)` in a daemon worker thread, with its result or exception."""

    def __init__(self, call: Callable[[str], Any], base_url: str, name: str) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._run, args=(call, base_url), name=name, daemon=True
        )

    def _run(self, call: Callable[[str], Any], base_url: str) -> None:
        try:
            result = call(base_url)
            if inspect.isawaitable(result):
                result = asyncio.run(_awaited(result))
            self.result = result
        except BaseException as exc:  # noqa: BLE001 - every exception is a finding
            self.error = exc

    def wait(self, timeout: float) -> bool:
        self.thread.start()
        self.thread.join(timeout)
        return not self.thread.is_alive()


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def wire_text(entries: list[Any]) -> str | None:
    """The text a correct SSE client reads from the bytes last sent (None: not known here).

    Decoded with the reference WHATWG decoder; chat, completions, Responses, Anthropic
    Messages, Gemini and Cohere deltas are understood, and so are Ollama's NDJSON lines and
    Bedrock's event-stream frames. None when an event is not JSON (its text is lost) or the
    journal carries no bytes (a remote server)."""
    ndjson = _ndjson_text(entries)  # Ollama: one JSON object per line, not SSE
    if ndjson is not None:
        return ndjson
    plan = getattr(entries[-1], "plan", None) if entries else None
    if plan is None or not plan.streaming:
        return None
    if _is_eventstream(plan):  # Bedrock: AWS event-stream frames, not SSE
        return _eventstream_text(plan.body())
    from mockserver.sse import decode_all

    text = ""
    for event in decode_all([plan.body()]):
        if event.data == "[DONE]":
            continue
        try:
            obj = json.loads(event.data)
        except ValueError:
            return None  # content was lost on the wire: only the script says what it was
        if not isinstance(obj, dict):
            continue
        for choice in obj.get("choices") or []:
            delta = choice.get("delta") or {}
            text += delta.get("content") or choice.get("text") or ""
        text += _provider_delta(obj)  # Gemini candidates, Cohere content-delta
        if obj.get("type") == "response.output_text.delta":
            text += obj.get("delta") or ""
        elif obj.get("type") == "content_block_delta":
            text += (obj.get("delta") or {}).get("text") or ""
    return text


def _is_eventstream(plan: Any) -> bool:
    start = plan.start
    return start is not None and (
        start.header("content-type") == "application/vnd.amazon.eventstream")


def _eventstream_text(body: bytes) -> str | None:
    """The text of an AWS event stream (Bedrock): Converse deltas, or the native JSON inside
    `chunk` events (Anthropic or chat deltas); None when a message fails its CRC or its JSON
    (the text is lost there)."""
    import base64

    from mockserver.core.formats.eventstream import EventStreamDecoder, EventStreamError

    text = ""
    try:
        for message in EventStreamDecoder().decode(body):
            if message.headers.get(":message-type") != "event":
                continue
            obj = json.loads(message.payload)
            if message.headers.get(":event-type") == "chunk":
                obj = json.loads(base64.b64decode(obj["bytes"]))
            for choice in obj.get("choices") or []:
                text += (choice.get("delta") or {}).get("content") or ""
            if obj.get("type") == "content_block_delta" or "contentBlockIndex" in obj:
                text += (obj.get("delta") or {}).get("text") or ""
    except (EventStreamError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return text


def classify(expected: str, attempt: _Attempt, finished: bool,
             sent: str | None = None) -> tuple[str, str]:
    """(outcome, detail) for one attempt; `sent` is the text the bytes on the wire carried.

    A fault that changes the text itself (a duplicated chunk, injected characters) is `ok` for
    a client that returns exactly what was sent; returning less than the script, when the
    wire carried less (a cut stream) or more, is `silent_truncation`."""
    if not finished:
        return "hang", "no return, no exception within the timeout"
    if attempt.error is not None:
        message = str(attempt.error).strip().splitlines()
        return f"raised {type(attempt.error).__name__}", message[0][:120] if message else ""
    got = attempt.result
    if got == expected:
        return "ok", ""
    if isinstance(got, str) and sent is not None and got == sent and not expected.startswith(sent):
        return "ok", "returned the text as sent (the fault changes the text itself)"
    if isinstance(got, str):
        shown = got if len(got) <= 60 else got[:57] + "..."
        return "silent_truncation", f"returned {shown!r} ({len(got)} of {len(expected)} chars)"
    return "silent_truncation", f"returned {type(got).__name__} {got!r:.60}"


def run_matrix(ms: Any, call: Callable[[str], Any], faults: Any = "all", *,
               timeout: float = 5.0, text: str | None = None) -> ResilienceReport:
    """Run `call` once without a fault, then once per fault, each on a fresh lane."""
    expected = text if text is not None else DEFAULT_TEXT
    specs = [BASELINE, *_specs(faults)]
    session = ms._session
    rows = []
    for k, spec in enumerate(specs):
        lane = f"{ms.lane}-r{k}"
        scenario = {"response": {"text": expected}, "times": "always"}
        if spec != BASELINE:
            scenario["faults"] = [spec]
        session.enqueue(lane, ms._prepare(scenario, marker=False))
        attempt = _Attempt(call, session.lane_base_url(lane), f"mockserver-resilience-{k}")
        finished = attempt.wait(timeout)
        if not finished:
            session.stragglers.append(attempt.thread)
        entries = session.journal(lane, timeout=0)
        outcome, detail = classify(expected, attempt, finished, wire_text(entries))
        requests = len(entries)
        rows.append(Row(fault=spec, layer="-" if spec == BASELINE else _layer(spec),
                        outcome=outcome, detail=detail, requests=requests))
        session.clear(lane)
    client = getattr(call, "__qualname__", None) or type(call).__name__
    return ResilienceReport(test=ms.nodeid, rows=rows, expected=expected, client=client)


def _provider_delta(obj: dict[str, Any]) -> str:
    """The text of one Gemini chunk (its candidate's text parts) or Cohere content-delta."""
    if obj.get("type") == "content-delta":
        content = ((obj.get("delta") or {}).get("message") or {}).get("content") or {}
        return str(content.get("text") or "")
    text = ""
    candidates = obj.get("candidates")
    for candidate in candidates if isinstance(candidates, list) else []:
        content = candidate.get("content") if isinstance(candidate, dict) else None
        for part in (content or {}).get("parts") or []:
            if isinstance(part, dict):
                text += str(part.get("text") or "")
    return text


def _ndjson_text(entries: list[Any]) -> str | None:
    """The text an NDJSON stream (Ollama) carried, None when the last answer is not one (or
    a line is not JSON: its text is lost)."""
    plan = getattr(entries[-1], "plan", None) if entries else None
    start = getattr(plan, "start", None)
    if not plan or not plan.streaming or start is None:
        return None
    if start.header("content-type") != "application/x-ndjson":
        return None
    text = ""
    for line in plan.body().split(b"\n"):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        if isinstance(obj, dict):
            message = obj.get("message")
            content = message.get("content") if isinstance(message, dict) else None
            text += str(content or obj.get("response") or "")
    return text
