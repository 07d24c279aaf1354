"""Line framings beyond OpenAI's SSE, and the JSON dialects the providers write.

    NDJSON       one JSON document per line, `\\n` after each (Ollama, application/x-ndjson)
    GEMINI_SSE   SSE whose events end in CRLF: `data: {...}\\r\\n\\r\\n` (Gemini's `alt=sse`,
                 as the google-genai SDK's own tests and captures of the real API show)

    go_json      Go's `encoding/json`: compact, raw UTF-8, but `<`, `>`, `&`, U+2028 and
                 U+2029 escaped as \\u003c, \\u003e, \\u0026, \\u2028, \\u2029 (Ollama)
    google_json  Google's stream JSON: `": "` after each key, `,` alone between items, raw
                 UTF-8 (`{"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": ...`)
    google_pretty  Google's JSON bodies (non-stream answers, errors): two-space indent,
                 a newline at the end

The registry imports this module at start-up, so it stays small: no renderer lives here.
"""

from __future__ import annotations

import json
from typing import Any

from mockserver.core.events import Event
from mockserver.core.formats.base import Framing
from mockserver.sse.encoder import encode_event

__all__ = [
    "NDJSON", "GEMINI_SSE", "ndjson_bytes", "gemini_sse_bytes", "go_json", "google_json",
    "google_pretty",
]

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
               "\u2029": "\\u2029"}
_GO_TABLE = str.maketrans(_GO_ESCAPES)


def go_json(value: Any) -> str:
    """JSON as Go's `json.Marshal` writes it (its HTML-safe escaping included)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.translate(_GO_TABLE)


def google_json(value: Any) -> str:
    """JSON as Google's streaming endpoints write it: `"key": value`, items joined by `,`."""
    return json.dumps(value, separators=(",", ": "), ensure_ascii=False)


def google_pretty(value: Any) -> str:
    """JSON as Google's APIs write a body: indented by two spaces, newline-terminated."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def ndjson_bytes(event: Event) -> bytes:
    """One NDJSON line: the event's JSON text and `\\n`."""
    return (event.data or "").encode("utf-8") + b"\n"


def gemini_sse_bytes(event: Event) -> bytes:
    """One Gemini SSE event: `data: <json>` and a blank line, both ended by CRLF."""
    return encode_event(event.data, event=event.event, id=event.id, retry=event.retry,
                        eol="\r\n")


NDJSON = Framing("ndjson", "application/x-ndjson", ndjson_bytes)
GEMINI_SSE = Framing("sse", "text/event-stream", gemini_sse_bytes)
