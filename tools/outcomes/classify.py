"""Turn what a client did into one outcome, the resilience matrix's way (SPEC 5), plus
`wrong_text`, `skipped` and `n/a`.

    ok                   returned the scripted text, or exactly the text a conforming SSE
                         client reads from the bytes sent when the fault adds to the text
                         itself (a repeated chunk, injected characters: the script is still
                         there, in order)
    raised <Exc>         raised (the client noticed); the detail is the message and cause
    silent_truncation    returned without error, but only a beginning of the text
    wrong_text           returned without error a text that is neither the script, nor what
                         was sent, nor a beginning of either
    hang                 no return and no exception within the deadline (the run went on)
    skipped (reason)     the client is not installed here
    n/a                  the fault does not apply to this client (detail: why)

Details are one short line, with ports and lane ids masked so they compare across runs.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["classify", "error_name", "mask", "short"]

_PORT = re.compile(r"127\.0\.0\.1:\d+")
_LANE = re.compile(r"/lane/[^/\s]+/")


def mask(text: str) -> str:
    """Mask what changes from run to run (ports, lane ids)."""
    return _LANE.sub("/lane/<id>/", _PORT.sub("127.0.0.1:<port>", text))


def short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def error_name(error: dict[str, Any]) -> str:
    """`openai.APIConnectionError`, `json.JSONDecodeError`, `TypeError` (no module: builtin,
    JavaScript)."""
    module = error.get("module") or ""
    return f"{module}.{error['type']}" if module else str(error["type"])


def _notes(raw: dict[str, Any]) -> list[str]:
    notes = []
    if raw.get("onError"):
        first = raw["onError"][0]
        notes.append(f"onError got {error_name(first)}: {first.get('message', '')}")
    errors = raw.get("errors") or []
    reconnects = errors.count("reconnecting")
    if reconnects:
        notes.append(f"{reconnects} error event(s), reconnected ({raw.get('opens', 0)} opens)")
    return notes


def _contains_in_order(text: str, part: str) -> bool:
    """True when every character of `part` appears in `text`, in order."""
    chars = iter(text)
    return all(ch in chars for ch in part)


def classify(raw: dict[str, Any], expected: str, sent: str | None,
             deadline: float) -> tuple[str, str]:
    """(outcome, detail) for one attempt; `sent` is the text the bytes on the wire carried."""
    notes = _notes(raw)
    if not raw.get("finished"):
        return "hang", "; ".join([f"no return, no exception within {deadline:g} s", *notes])
    error = raw.get("error")
    if error:
        detail = error.get("message") or ""
        if error.get("cause"):
            detail += f" (cause: {error['cause']})"
        return f"raised {error_name(error)}", mask("; ".join([detail, *notes]).strip("; "))
    got = raw.get("text") or ""
    if got == expected:
        return "ok", mask("; ".join(notes))
    if sent is not None and got == sent and _contains_in_order(got, expected):
        return "ok", mask("; ".join([f"the text as sent: {short(got)!r}", *notes]))
    if expected.startswith(got):
        total = len(expected)
        return "silent_truncation", mask(
            "; ".join([f"returned {len(got)} of {total} chars: {short(got, 24)!r}", *notes]))
    return "wrong_text", mask("; ".join([f"returned {short(got)!r}", *notes]))
