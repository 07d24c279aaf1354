"""`mockserver diff DIR`: recorded real answers against what the mock renders for the same
content, so the faithful default stays honest whenever someone records from a real API.

For each recording (`serve --record`), the recorded request is read by its route's format
and the recorded script (the same text, tool calls, finish reason, usage) is rendered by the
faithful renderer. Then, side by side:

    headers   names the real API sends that the mock does not, and the other way round
              (transport and CDN headers left out), and the content type
    events    the sequence of event types (the `event:` name or the event-stream message
              type, else the chunk kind: chat, completions, Gemini chunks, Ollama lines),
              runs of one type shown once (`content+`)
    fields    for each event type (and a non-stream body): the JSON field paths, in order,
              that one side has and the other lacks, or the same fields in another order

Values are not compared: ids, timestamps and the text differ by nature. Prints one block per
recording with differences; exit code 1 when any differs, 0 when none does.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from mockserver.cli.loader import load_scenarios
from mockserver.core.answer import kind_of, payload_of
from mockserver.core.compile import compile_plan
from mockserver.core.formats import FORMATS, view_for
from mockserver.core.live_frames import framer_for
from mockserver.core.scenario import Scenario
from mockserver.errors import ApiError

__all__ = ["run_diff", "differences", "field_paths"]

#: headers that say nothing about the API's shape: transport, CDN, cookies, CORS, ours
_IGNORED = re.compile(
    r"^(date|server|content-length|transfer-encoding|connection|keep-alive|set-cookie|via|"
    r"alt-svc|strict-transport-security|cf-.*|x-envoy-.*|access-control-.*|x-mock-.*|vary|"
    r"x-content-type-options|report-to|nel|x-cache.*|age)$")


def field_paths(value: Any, prefix: str = "") -> list[str]:
    """Every JSON field path in document order: `choices[].delta.content`; list items merged."""
    out: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.append(path)
            out += field_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            for path in field_paths(item, f"{prefix}[]"):
                if path not in out:
                    out.append(path)
    return out


def _event_type(api: str, name: str | None, data: str) -> str:
    return name if name else kind_of(api, None, data)


def _collapse(types: Iterable[str]) -> list[str]:
    out: list[str] = []
    for kind in types:
        if out and out[-1].rstrip("+") == kind:
            out[-1] = kind + "+"
        else:
            out.append(kind)
    return out


def _fields_by_type(api: str, events: list[tuple[str | None, str]]) -> dict[str, list[str]]:
    """Field paths of each event type (merged over its events, in first-seen order)."""
    found: dict[str, list[str]] = {}
    for name, data in events:
        paths = found.setdefault(_event_type(api, name, data), [])
        for path in field_paths(payload_of(data)):
            if path not in paths:
                paths.append(path)
    return found


def _compare_fields(label: str, real: list[str], mock: list[str]) -> list[str]:
    out = []
    missing = [p for p in real if p not in mock]
    extra = [p for p in mock if p not in real]
    if missing:
        out.append(f"fields of {label}: only the real API has {', '.join(missing)}")
    if extra:
        out.append(f"fields of {label}: only the mock has {', '.join(extra)}")
    shared_real = [p for p in real if p in mock]
    shared_mock = [p for p in mock if p in real]
    if not missing and not extra and shared_real != shared_mock:
        out.append(f"fields of {label}: another order: real {', '.join(shared_real)}; "
                   f"mock {', '.join(shared_mock)}")
    return out


def _events(api: str, content_type: str | None, body: bytes) -> list[tuple[str | None, str]]:
    """The mock's stream read back as (event name, data) in its own framing: SSE events,
    NDJSON lines, event-stream messages (the proxy's live framers)."""
    framer = framer_for(content_type, api)
    if framer is None:
        return []
    frames = framer.feed(body) + framer.flush()
    return [(f.event.event, f.event.data or "") for f in frames if f.event is not None]


def _api_of(path: str) -> tuple[str, dict[str, str]] | None:
    for fmt in FORMATS.values():
        for pattern in fmt.routes:
            params = pattern.match(path)
            if params is not None:
                return fmt.name, params
    return None


def differences(scenario: Scenario) -> list[str]:
    """What differs between a recording and the mock's rendering of the same content."""
    recorded = scenario.recorded or {}
    request = recorded.get("request") or {}
    path, body = str(request.get("path", "")), request.get("body")
    found = _api_of(path)
    if found is None or not isinstance(body, Mapping):
        return [f"cannot render {path or 'the request'}: not a route of the mock's formats"]
    api, params = found
    try:
        view = view_for(api, path, body, params)
    except ApiError as exc:
        return [f"the mock refuses the recorded request: {exc.status} {exc.message}"]
    # the recording's own headers would hide what the renderer sends: render without them
    plan = compile_plan(view, response=replace(scenario.responses[0], headers=()),
                        model=view.model or "")
    out: list[str] = []
    real_headers = {k.lower(): str(v) for k, v in (recorded.get("headers") or {}).items()}
    mock_headers = dict(plan.start.headers) if plan.start else {}
    real_names = [k for k in real_headers if not _IGNORED.match(k)]
    mock_names = [k for k in mock_headers if not _IGNORED.match(k)]
    if [n for n in real_names if n not in mock_names]:
        out.append("headers: only the real API sends "
                   + ", ".join(n for n in real_names if n not in mock_names))
    if [n for n in mock_names if n not in real_names]:
        out.append("headers: only the mock sends "
                   + ", ".join(n for n in mock_names if n not in real_names))
    real_type = real_headers.get("content-type", "").replace(" ", "").lower()
    mock_type = mock_headers.get("content-type", "").replace(" ", "").lower()
    if real_type != mock_type:
        out.append(f"headers: content-type is {real_type or 'absent'} (real) and "
                   f"{mock_type or 'absent'} (mock)")
    if "events" in recorded:
        real = [(e.get("event"), str(e.get("data", ""))) for e in recorded["events"] or ()]
        mock = _events(api, mock_headers.get("content-type"), plan.body())
        real_types = _collapse(_event_type(api, n, d) for n, d in real)
        mock_types = _collapse(_event_type(api, n, d) for n, d in mock)
        if real_types != mock_types:
            out.append(f"events: real {' '.join(real_types)}")
            out.append(f"        mock {' '.join(mock_types)}")
        real_fields, mock_fields = _fields_by_type(api, real), _fields_by_type(api, mock)
        for kind, paths in real_fields.items():
            if kind in mock_fields:
                out += _compare_fields(f"`{kind}` events", paths, mock_fields[kind])
    elif "body" in recorded:
        mock_body = payload_of(plan.body().decode("utf-8", "replace"))
        out += _compare_fields("the body", field_paths(recorded["body"]), field_paths(mock_body))
    return out


def run_diff(path: str, *, out: Any = None) -> int:
    """Print the differences of every recording under `path`; 1 if any differ, else 0."""
    stream = out or sys.stdout
    recordings = [s for s in load_scenarios(path) if s.recorded is not None]
    if not recordings:
        print(f"mockserver diff: no recordings in {path} (serve --record writes them)",
              file=stream)
        return 2
    differing = 0
    for scenario in recordings:
        found = differences(scenario)
        if found:
            differing += 1
            request = (scenario.recorded or {}).get("request") or {}
            print(f"{scenario.name}: {request.get('method', 'POST')} {request.get('path')}",
                  file=stream)
            for line in found:
                print(f"  {line}", file=stream)
    print(f"{len(recordings)} recording(s), {differing} with differences", file=stream)
    return 1 if differing else 0

