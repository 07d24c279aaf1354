"""The failure transcript: what the server received and exactly what it sent, for one test.

    mockserver lane t3-1a2b3c4d (seed 0): 1 request(s)
    #1 POST /lane/t3-1a2b3c4d/v1/chat/completions -> 200, outcome reset
       scenario: queued   faults: close(after=1, mode=reset)
       received: {"model": "gpt-4.1", "messages": [...], "stream": true}
       sent:
         START 200 [content-type: text/event-stream; charset=utf-8, ...]
         WRITE 347B b'data: {"id":"chatcmpl-...'
         SLEEP 25.0ms
         CLOSE reset

Writes are abbreviated in the middle (both ends of an SSE chunk tell: the id and the delta),
faults and sleeps (timing) are marked, and only the telling response headers are shown. The same
text serves the report section of a failing test and `mockserver.transcript()`.
"""

from __future__ import annotations

import json
import re
from typing import Any

# one way to cut text and bytes, shared with the inspector's page and report: both ends of an
# SSE chunk tell (the id first, the delta last)
from mockserver.transport.inspector.timeline import abbreviate, elide

__all__ = ["transcript", "describe_scenario", "abbreviate"]

_HEADERS_SHOWN = ("content-type", "x-mock-fault", "retry-after", "retry-after-ms")


def describe_scenario(scenario: Any) -> str:
    """One line about a queued scenario: what it answers, with its faults and reuse."""
    parts = []
    if scenario.name:
        parts.append(repr(scenario.name))
    responses = scenario.responses
    if len(responses) > 1:
        parts.append(f"sequence of {len(responses)}: " + ", ".join(map(_response, responses)))
    else:
        parts.append(_response(responses[0]))
    if scenario.match.path or scenario.match.model:
        parts.append(f"match {scenario.match.path or ''} {scenario.match.model or ''}".rstrip())
    if scenario.faults:
        parts.append("faults " + "; ".join(f.spec() for f in scenario.faults))
    return ", ".join(parts)


def _response(r: Any) -> str:
    if r.error is not None:
        return f"error {r.error.status}" + (f" {r.error.type}" if r.error.type else "")
    if r.ws is not None:
        return f"ws script of {len(r.ws)} message(s)"
    if r.tool_calls:
        return "tool calls " + ", ".join(c.name for c in r.tool_calls)
    if r.chunks is not None:
        return f"{len(r.chunks)} chunks {abbreviate(repr(''.join(r.chunks)), 40)}"
    if r.text is not None:
        return f"text {abbreviate(repr(r.text), 40)}"
    return "the default reply"


def _sent_lines(entry: Any) -> list[str]:
    plan = getattr(entry, "plan", None)
    if plan is None:  # a remote journal: the server's own `describe()` lines
        return [_short_start(line) for line in getattr(entry, "sent", [])]
    from mockserver.core.plan import WirePlan, Write

    lines = []
    for op in plan.ops:
        if isinstance(op, Write):
            raw = "RAW " if op.raw else ""
            lines.append(f"{raw}WRITE {len(op.data)}B {elide(repr(op.data))}")
        else:
            lines.append(_short_start(WirePlan(ops=(op,)).describe()))
    return lines


_HEADER_SPLIT = re.compile(r", (?=[A-Za-z0-9-]+: )")


def _short_start(line: str) -> str:
    """Keep only the telling headers of a START line; the rest are the usual OpenAI ones."""
    if not line.startswith("START ") or " [" not in line:
        return line
    head, _, rest = line.partition(" [")
    pairs = _HEADER_SPLIT.split(rest[:-1] if rest.endswith("]") else rest)
    shown = [p for p in pairs if p.split(":", 1)[0].lower() in _HEADERS_SHOWN]
    hidden = len([p for p in pairs if p]) - len(shown)
    more = f", +{hidden} more" if hidden > 0 else ""
    return f"{head} [{', '.join(shown)}{more}]"


def _entry(n: int, entry: Any) -> list[str]:
    status = entry.status if entry.status is not None else "no response head"
    lines = [f"#{n} {entry.method} {entry.path} -> {status}, outcome {entry.outcome}"]
    faults = "; ".join(entry.faults) or "none"
    lines.append(f"   scenario: {entry.scenario or 'default'}   faults: {faults}")
    if entry.body is not None:
        body = json.dumps(entry.body, ensure_ascii=False)
        lines.append(f"   received: {abbreviate(body)}")
    if getattr(entry, "error", None):
        lines.append(f"   server error: {entry.error}")
    sent = _sent_lines(entry)
    if sent:
        lines.append("   sent:")
        lines.extend(f"     {line}" for line in sent)
    return lines


def transcript(lane: str, entries: list[Any], unused: list[dict[str, Any]], *,
               seed: int = 0, labels: dict[str, str] | None = None) -> str:
    """The whole story of one test's lane, as text for a report section."""
    lines = [f"mockserver lane {lane} (seed {seed}): {len(entries)} request(s)"]
    if not entries:
        lines.append(
            "no request reached this test's lane: is the client using mockserver.base_url?"
        )
    for n, entry in enumerate(entries, 1):
        lines.extend(_entry(n, entry))
    for q in unused:
        label = (labels or {}).get(q["id"]) or q.get("name") or "scenario"
        lines.append(
            f"queued, not fully used: {q['id']}: {label} "
            f"(requested {q['used']} of {q['times']} times)"
        )
    return "\n".join(lines)
