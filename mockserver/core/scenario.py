"""Scenarios: what a request gets, in one shape for Python, YAML and JSON.

    Scenario ── match, times, seed, timing, faults (validated by the fault registry)
        └── responses: one Response, or a `sequence` consumed in order (retry tests)
              ├── text / chunks        streamed content (default: derived from the request);
              │                        `chunks: {repeat: "tok", times: N}` is a `Repeat`
              ├── tool_calls           [{name, arguments (the JSON string), id?}]
              ├── error                {status, type, message, code, param, headers}
              └── ws                   WebSocket script (list of server messages)

    document (YAML/JSON text) ─parse_document─► dict ─Scenario.from_dict─► Scenario
                                                dict ◄─scenario_to_dict─── Scenario

Everything is frozen, so a scenario can cross from the test thread to the server thread safely.
`Scenario.from_dict` validates a document and names the file and field path of any error.
A scenario holds faults, so this module sits above the fault kit; `Response` and the other
answer types live in the leaf `response.py`, which the faults may read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mockserver.core import strict_json
from mockserver.core.plan import REALISTIC_TIMING, Timing
from mockserver.core.response import FINISH_REASONS, ErrorReply, Repeat, Response, ToolCall
from mockserver.core.validate import Doc
from mockserver.errors import ConfigError, ScenarioError
from mockserver.faults import parse_faults

__all__ = [
    "Scenario", "Match", "scenario_to_dict", "parse_document", "Response", "ToolCall",
    "ErrorReply", "Timing", "REALISTIC_TIMING", "FINISH_REASONS", "Repeat",
]

_SCENARIO_KEYS = ("name", "match", "times", "seed", "response", "sequence", "timing", "faults",
                  "recorded")


@dataclass(frozen=True)
class Match:
    """Which requests a scenario answers: an API path, a model, and fields of the body (each
    given field equal to the request's; a recording matches the conversation it answered)."""

    path: str | None = None
    model: str | None = None
    body: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)

    def matches(self, path: str, model: str | None, body: Mapping[str, Any] | None = None
                ) -> bool:
        if self.path is not None and self.path.rstrip("/") != path.rstrip("/"):
            return False
        if self.body and (body is None or any(
                key not in body or body[key] != value for key, value in self.body.items())):
            return False
        return self.model is None or self.model == model


def _timing(doc: Doc) -> Timing | None:
    if not doc.has("timing"):
        return None
    value = doc.get("timing")
    if isinstance(value, Timing):
        return value
    if value == "realistic":
        return REALISTIC_TIMING
    sub = doc.sub("timing", value)
    sub.check_keys(("first_token_ms", "chunk_ms", "jitter_ms", "gaps_ms"))
    gaps = sub.list("gaps_ms") or []
    for i, gap in enumerate(gaps):
        if isinstance(gap, bool) or not isinstance(gap, (int, float)) or gap < 0:
            raise sub.error("gaps_ms", f"item {i} must be a number >= 0, got {gap!r}")
    return Timing(
        first_token_ms=sub.number("first_token_ms"),
        chunk_ms=sub.number("chunk_ms"),
        jitter_ms=sub.number("jitter_ms"),
        gaps_ms=tuple(float(g) for g in gaps),
    )


@dataclass(frozen=True)
class Scenario:
    """A scripted answer (or sequence of answers) with its match rule, reuse policy and faults.

    `times` is how many requests it answers (`None` = always); for a sequence it defaults to the
    sequence length, and request k gets `responses[min(k, len - 1)]`.
    """

    responses: tuple[Response, ...] = (Response(),)
    name: str | None = None
    match: Match = Match()
    times: int | None = 1
    seed: int | None = None
    timing: Timing | None = None
    faults: tuple[Any, ...] = ()
    #: what a recording saw of the real exchange (`serve --record`): the request, the upstream,
    #: its headers and raw events; a scenario with it answers the requests its `match` fits
    #: without being named (`serve --scenarios DIR` replays), and `mockserver diff` reads it
    recorded: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)

    def response_for(self, use: int) -> Response:
        """The response for the `use`-th request (0-based) this scenario answers."""
        return self.responses[min(use, len(self.responses) - 1)]

    def with_faults(self, faults: tuple[Any, ...]) -> Scenario:
        return replace(self, faults=self.faults + tuple(faults))

    @classmethod
    def from_dict(cls, data: Any, *, where: str = "<python>") -> Scenario:
        """Build and validate a scenario from a document; errors name `where` and the field."""
        if isinstance(data, Scenario):
            return data
        doc = Doc(data, where=where)
        doc.check_keys(_SCENARIO_KEYS)
        if doc.has("response") and doc.has("sequence"):
            raise doc.error("sequence", "give either response or sequence, not both")
        if doc.has("sequence"):
            items = doc.list("sequence") or []
            if not items:
                raise doc.error("sequence", "a sequence needs at least one response")
            responses = tuple(
                Response.from_dict(item, where=where, path=f"sequence[{i}]")
                for i, item in enumerate(items)
            )
        elif doc.has("response"):
            responses = (Response.from_dict(doc.get("response"), where=where),)
        else:
            responses = (Response(),)
        times_raw = doc.get("times", len(responses))
        if times_raw == "always":
            times: int | None = None
        else:
            times = doc.int("times", len(responses), minimum=1)
        match = Match()
        if doc.has("match"):
            sub = doc.sub("match", doc.get("match"))
            sub.check_keys(("path", "model", "body"))
            body = sub.get("body")
            if body is not None and not isinstance(body, Mapping):
                raise sub.error("body", "expected a mapping of request fields to their values")
            match = Match(path=sub.str("path"), model=sub.str("model"),
                          body=dict(body) if body else None)
        recorded = doc.get("recorded")
        if recorded is not None and not isinstance(recorded, Mapping):
            raise doc.error("recorded", "expected a mapping (what `serve --record` wrote)")
        return cls(
            responses=responses,
            name=doc.str("name"),
            match=match,
            times=times,
            seed=doc.int("seed", None, minimum=0),
            timing=_timing(doc),
            faults=_faults(doc),
            recorded=dict(recorded) if recorded is not None else None,
        )


def _faults(doc: Doc) -> tuple[Any, ...]:
    raw = doc.get("faults")
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, (str, Mapping)) else doc.list("faults") or []
    out: list[Any] = []
    for i, item in enumerate(items):
        try:
            out.extend(parse_faults(item))
        except ConfigError as exc:
            raise ScenarioError(exc.detail, where=doc.where, path=f"faults[{i}]") from None
    return tuple(out)


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A `Scenario` back in the document shape `from_dict` and the admin API accept (JSON-safe)."""
    responses = []
    for r in scenario.responses:
        doc: dict[str, Any] = {}
        for key in ("text", "finish_reason", "reasoning"):
            if getattr(r, key) is not None:
                doc[key] = getattr(r, key)
        if r.chunks is not None:  # a Repeat goes back as {repeat, times}
            doc["chunks"] = r.chunks.to_dict() if isinstance(r.chunks, Repeat) else list(r.chunks)
        if r.tool_calls:
            doc["tool_calls"] = [
                {"name": c.name, "arguments": c.arguments, **({"id": c.id} if c.id else {})}
                for c in r.tool_calls
            ]
        if r.usage is not None:
            doc["usage"] = dict(r.usage)
        if r.ws is not None:
            doc["ws"] = list(r.ws)
        if r.headers:
            doc["headers"] = dict(r.headers)
        if r.error is not None:
            e = r.error
            error = {"status": e.status, "headers": dict(e.headers)}
            error.update({k: getattr(e, k) for k in ("type", "message", "code", "param")
                          if getattr(e, k) is not None})
            doc["error"] = error
        responses.append(doc)
    out: dict[str, Any] = {
        "times": scenario.times if scenario.times is not None else "always",
        "faults": [f.spec() for f in scenario.faults],
    }
    if len(responses) == 1:
        out["response"] = responses[0]
    else:
        out["sequence"] = responses
    if scenario.name:
        out["name"] = scenario.name
    if scenario.seed is not None:
        out["seed"] = scenario.seed
    m = scenario.match
    match = {k: v for k, v in (("path", m.path), ("model", m.model), ("body", m.body)) if v}
    if match:
        out["match"] = match
    if scenario.timing is not None:
        t = scenario.timing
        out["timing"] = {"first_token_ms": t.first_token_ms, "chunk_ms": t.chunk_ms,
                         "jitter_ms": t.jitter_ms}
        if t.gaps_ms:
            out["timing"]["gaps_ms"] = list(t.gaps_ms)
    if scenario.recorded is not None:
        out["recorded"] = dict(scenario.recorded)
    return out


def parse_document(text: str, where: str) -> list[Scenario]:
    """Scenarios from one document: a single scenario mapping or a list of them (strict JSON
    when `where` ends in .json, else YAML within `safe_yaml`'s budget: aliases, nesting, size,
    expanded nodes); errors name `where` and the field path, or the limit passed."""
    import yaml  # only documents need it: kept off the server's start-up path

    from mockserver.core import safe_yaml

    kind = "JSON" if where.endswith(".json") else "YAML"
    try:
        doc: Any = strict_json.loads(text) if kind == "JSON" else safe_yaml.load(text)
    except safe_yaml.YamlBudgetError as exc:
        raise ScenarioError(f"YAML over its budget ({exc.limit}): {exc}", where=where) from None
    except (ValueError, yaml.YAMLError) as exc:
        raise ScenarioError(f"not valid {kind}: {exc}", where=where) from None
    if doc is None:
        return []
    if isinstance(doc, dict) and "scenarios" in doc and isinstance(doc["scenarios"], list):
        doc = doc["scenarios"]
    items = doc if isinstance(doc, list) else [doc]
    out = []
    for i, item in enumerate(items):
        try:
            out.append(Scenario.from_dict(item, where=where))
        except ScenarioError as exc:
            path = f"[{i}].{exc.path}" if isinstance(doc, list) else exc.path
            raise ScenarioError(exc.detail, where=where, path=path) from None
    return out
