"""Hostile inputs as Hypothesis strategies, and how to send one and judge what came back.

Shared by the property suite (tests/hostile/test_hostile_property.py, a few hundred inputs
in CI) and the long run (benchmarks/bench_hostile.py, >= 10,000 inputs):

    http_inputs()    a request to any API route of the format registry (so a provider
                     added later is fuzzed for free: Gemini, Ollama, Cohere, Bedrock and
                     Azure are), its path parameters filled with a known model, a
                     provider's own id or an unknown one, with any method, lane or scenario
                     prefix, headers and a body that is valid, nearly valid or hostile, shaped
                     like an OpenAI, Gemini or Bedrock request
    admin_inputs()   a request to /_mock/: JSON and YAML scenario documents (bombs too),
                     unknown endpoints and methods, odd query strings
    ws_inputs()      a WebSocket session on /v1/ws/chat, /v1/realtime or /v1/responses:
                     a few text or binary messages, hostile ones among them

    send_http / send_ws  -> Verdict: "ok", or what went wrong ("5xx", "hang", "drop",
                            "no close frame", "journal", "shape": an error that is not in
                            its route's own error shape, `shape_problem`)

A 5xx or a cut connection counts only when nothing asked for it: a valid `X-Mock-Fault`
or a named library scenario may ask for errors, so those inputs are judged on hangs and
the journal alone. Faults and scenarios that pause are never drawn (a pause is no hang).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from hypothesis import strategies as st

from mockserver.core.formats import FORMATS, RoutePattern
from mockserver.core.models import ModelCatalog
from mockserver.transport.routing import api_route, parse_route

__all__ = [
    "HttpInput", "WsInput", "Verdict", "http_inputs", "admin_inputs", "ws_inputs",
    "send_http", "send_ws", "journal_ok", "bodies", "shape_problem", "ROUTES",
]

MODELS = sorted(info.id for info in ModelCatalog().listed())
#: faults that answer at once (no pause), valid or not
FAULTS = ["bom", "missing_done", "close(after=2, mode=reset)", "close(after=1, mode=abrupt)",
          "status(code=503)", "status(code=429, body=html)", "malformed_json(at=2)",
          "empty_reply", "broken_chunked(after=1)", "line_endings(style=cr)", "not_streamed",
          "invalid_utf8(at=2)", "nope", "close(mode=boom)", "status(code=99999)",
          "stall(seconds=nan)", "split(size=-1)", "((((", "bom;" * 50]
#: library scenarios that answer at once, and names no library has
SCENARIOS = ["hello-stream", "tool-call-stream", "server-error", "retry-500-500-200",
             "rate-limited", "drop-after-first-chunk", "fault-bom", "fault-empty_reply",
             "fault-malformed_json", "overloaded", "no-such-scenario", "..", "%00", "x" * 300]
FIELDS = ["temperature", "top_p", "n", "max_tokens", "max_completion_tokens", "stream",
          "stream_options", "tools", "tool_choice", "input", "prompt", "messages", "system",
          "max_output_tokens", "metadata", "response_format", "encoding_format", "dimensions",
          "seed", "user", "instructions", "logprobs", "top_logprobs", "presence_penalty",
          "parallel_tool_calls", "store", "previous_response_id", "model",
          # the providers' own fields: Gemini, Ollama, Bedrock, Cohere, Azure
          "contents", "generationConfig", "systemInstruction", "safetySettings", "options",
          "format", "keep_alive", "raw", "images", "think", "inferenceConfig", "toolConfig",
          "anthropic_version", "additionalModelRequestFields", "documents",
          "citation_options", "data_sources"]
#: path parameters: a known model, the providers' own usual ids, and one nobody serves
PARAM_VALUES = ["gpt-4.1", "gemini-2.5-flash", "llama3.2", "command-a-03-2025",
                "anthropic.claude-sonnet-4-5-20250929-v1:0", "no-such-model"]

_leaves = (st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
           | st.floats() | st.text(max_size=24))
json_values = st.recursive(
    _leaves,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids,
                                                              max_size=4),
    max_leaves=12,
)


def _encode(value: Any, ascii_only: bool) -> bytes:
    """JSON as a careless client writes it: NaN allowed, surrogates written as they are."""
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True).encode(
        "utf-8", "surrogatepass")


@st.composite
def _shaped(draw: st.DrawFn) -> dict[str, Any]:
    """A body that looks like an API request, with any value in any known field."""
    body: dict[str, Any] = {"model": draw(st.sampled_from(MODELS) | st.text(max_size=12))}
    content = draw(st.text(max_size=40) | json_values)
    role = draw(st.sampled_from(["user", "system", "assistant", "model", "robot"]))
    dialect = draw(st.sampled_from(["openai", "gemini", "bedrock"]))
    if dialect == "gemini":  # generateContent: contents of parts
        body["contents"] = [{"role": role, "parts": [{"text": content}]}]
    elif dialect == "bedrock":  # Converse (and Anthropic on InvokeModel): content blocks
        body["messages"] = [{"role": role, "content": [{"text": content}]}]
    else:  # OpenAI, Anthropic Messages, Ollama, Cohere v2, Azure
        body["messages"] = [{"role": role, "content": content}]
    body["input"] = draw(st.sampled_from(["hi", ["a", "b"], content]))
    body["prompt"] = content
    body["max_tokens"] = draw(st.integers(min_value=1, max_value=64))
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        body[name] = draw(json_values)
    return body


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    """A request body: well-formed, nearly well-formed, or hostile on purpose."""
    kind = draw(st.sampled_from(["shaped", "shaped", "value", "hostile", "bytes", "empty"]))
    if kind == "empty":
        return b""
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    value = draw(_shaped()) if kind == "shaped" else draw(json_values)
    data = _encode(value, draw(st.booleans()))
    if kind != "hostile":
        return data
    how = draw(st.sampled_from(["deep", "nan", "surrogate", "overflow", "cut", "garbage"]))
    if how == "deep":
        depth = draw(st.integers(min_value=200, max_value=5000))
        return b'{"model":"gpt-4.1","x":' + b"[" * depth + data + b"]" * depth + b"}"
    if how == "nan":
        return data.replace(b"0", b"NaN", 1) if b"0" in data else b'{"t":' + data + b",n:NaN}"
    if how == "surrogate":
        return data.replace(b'"', b'"\\udbff', 1)
    if how == "overflow":
        exponent = str(draw(st.integers(min_value=309, max_value=99999))).encode()
        return b'{"model":"gpt-4.1","temperature":1e' + exponent + b"}"
    if how == "cut":
        return data[: draw(st.integers(min_value=0, max_value=max(0, len(data) - 1)))]
    at = draw(st.integers(min_value=0, max_value=len(data)))
    return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]


@dataclass(frozen=True)
class HttpInput:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    lane: str = "default"
    #: a valid fault or a library scenario was named: errors may be what was asked for
    asked: bool = False


#: every API route of the format registry
ROUTES: list[RoutePattern] = [route for fmt in FORMATS.values() for route in fmt.routes]


def _filled(pattern: str, value: str) -> str:
    """The route's path with each parameter set to `value`."""
    while "{" in pattern:
        start, end = pattern.index("{"), pattern.index("}")
        pattern = pattern[:start] + value + pattern[end + 1:]
    return pattern


def _fault_is_valid(spec: str) -> bool:
    from mockserver.errors import ConfigError
    from mockserver.faults import parse_faults

    try:
        parse_faults(spec)
    except ConfigError:
        return False
    return True


@st.composite
def http_inputs(draw: st.DrawFn, lanes: tuple[str, ...] = ("fuzz",)) -> HttpInput:
    """A request to an API route (or a near miss), as a fuzzer or a careless client sends it,
    on one of `lanes`."""
    lane = draw(st.sampled_from(lanes))
    near_misses = ["/v1/models/%ff", "/v1/nope", "/v1/", "/v1/chat/completions/", "/v2/x", "/",
                   "/api/", "/v1beta/models/x:nope", "/model//converse", "/openai/deployments/"]
    route = draw(st.sampled_from(ROUTES) | st.none())
    path = (_filled(route.pattern, draw(st.sampled_from(PARAM_VALUES))) if route is not None
            else draw(st.sampled_from(near_misses)))
    asked = False
    scenario = draw(st.none() | st.sampled_from(SCENARIOS))
    if scenario is not None and draw(st.booleans()):
        path = f"/scenario/{scenario}{path}"
        asked = not scenario.startswith(("no-", ".", "%", "x"))
    path = f"/lane/{lane}{path}"
    headers = {"content-type": draw(st.sampled_from(
        ["application/json", "text/plain", "application/json; charset=latin-1", ""]))}
    fault = draw(st.none() | st.sampled_from(FAULTS))
    if fault is not None:
        headers["x-mock-fault"] = fault
        asked = asked or _fault_is_valid(fault)
    if draw(st.booleans()):
        headers["authorization"] = draw(st.sampled_from(["Bearer sk-x", "Bearer", "Basic ??"]))
    if draw(st.booleans()):
        headers["origin"] = draw(st.sampled_from(["http://localhost:3000", "null", "é"]))
    method = draw(st.sampled_from(["POST"] * 6 + ["GET", "PUT", "DELETE", "OPTIONS", "PATCH"]))
    query = draw(st.sampled_from(["", "", "?prompt=%ed%a0%80", "?model=%ff&prompt=%5B%5B",
                                  "?include_usage=true&prompt=%00", "?stream=maybe", "?alt=sse",
                                  "?key=%ff", "?api-version=%00"]))
    if path.startswith("/openai/") and draw(st.integers(0, 3)):  # Azure wants its api-version
        query = "?api-version=2024-10-21" + ("&" + query[1:] if query else "")
    return HttpInput(method, path + query, headers, draw(bodies()), lane, asked)


@st.composite
def _admin_documents(draw: st.DrawFn) -> tuple[bytes, str]:
    kind = draw(st.sampled_from(["json", "yaml", "bomb", "raw"]))
    if kind == "raw":
        return draw(bodies()), draw(st.sampled_from(["application/json", "application/yaml"]))
    doc: Any = {"response": draw(st.sampled_from([{"text": "hi"}, {"chunks": ["a", "b"]},
                                                  {"error": {"status": 503}}]) | json_values)}
    for name in draw(st.lists(st.sampled_from(["faults", "times", "timing", "match", "seed",
                                               "sequence", "name", "bogus"]), max_size=3)):
        doc[name] = draw(json_values | st.sampled_from(FAULTS))
    if draw(st.booleans()):
        doc = [doc] * draw(st.integers(min_value=1, max_value=3))
    if kind == "json":
        return _encode(doc, draw(st.booleans())), "application/json"
    if kind == "yaml":
        import yaml

        try:
            return yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "surrogatepass"), \
                "application/yaml"
        except (yaml.YAMLError, ValueError, OverflowError):
            return _encode(doc, True), "application/yaml"
    levels = draw(st.integers(min_value=2, max_value=12))
    width = draw(st.integers(min_value=2, max_value=12))
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]"
              for i in range(1, levels)]
    text = "response:\n  tool_calls:\n    - name: f\n      arguments:\n" + "".join(
        f"        {line}\n" for line in lines)
    return text.encode(), "application/yaml"


@st.composite
def admin_inputs(draw: st.DrawFn, lanes: tuple[str, ...] = ("fuzz-admin",)) -> HttpInput:
    """A call to the admin API: scenario documents (bombs too), odd endpoints and queries."""
    lane = draw(st.sampled_from(lanes))
    endpoint = draw(st.sampled_from(["scenarios"] * 6 + ["journal", "catalog", "health",
                                                          "reset", "nope", "scenarios/x"]))
    query = draw(st.sampled_from(["", f"?lane={lane}", "?lane=", "?lane=%ff%fe", "?x=1&lane=a"]))
    method = draw(st.sampled_from(["POST"] * 4 + ["GET", "PUT", "DELETE"]))
    body, content_type = draw(_admin_documents()) if method == "POST" else (b"", "")
    if endpoint == "reset" and "lane=" not in query:  # keep the other tests' journals
        query = f"?lane={lane}"
    headers = {"content-type": content_type} if content_type else {}
    return HttpInput(method, f"/_mock/{endpoint}{query}", headers, body, lane)


@dataclass(frozen=True)
class WsInput:
    path: str
    messages: tuple[str | bytes, ...]
    lane: str = "default"


_ws_texts = st.one_of(
    bodies().map(lambda b: b.decode("utf-8", "replace")),
    st.text(max_size=60),
    st.sampled_from(['{"type":"auth","api_key":"x"}', '{"type":"message","content":"hi"}',
                     '{"type":"response.create","model":"gpt-4.1","input":"hi"}',
                     '{"type":"session.update","session":{"type":"realtime"}}',
                     '{"type":"response.create"}', '{"type":"conversation.item.create"}',
                     '{"type":"message","content":"\\ud800","model":"gpt-4.1"}',
                     "[" * 20_000, '{"type":"message","content":1e999}']),
)


@st.composite
def ws_inputs(draw: st.DrawFn, lanes: tuple[str, ...] = ("fuzz-ws",)) -> WsInput:
    lane = draw(st.sampled_from(lanes))
    path = draw(st.sampled_from(["/v1/ws/chat", "/v1/realtime", "/v1/responses"]))
    messages = draw(st.lists(_ws_texts | st.binary(max_size=40), min_size=1, max_size=4))
    return WsInput(f"/lane/{lane}{path}", tuple(messages), lane)


@dataclass(frozen=True)
class Verdict:
    kind: str  # ok | 5xx | hang | drop | no close frame | journal
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def journal_ok(client: httpx.Client, base: str, lane: str) -> Verdict:
    """The lane's journal answers 200 and is strict JSON (no NaN, no lone surrogate)."""
    try:
        reply = client.get(f"{base}/_mock/journal", params={"lane": lane})
    except httpx.TimeoutException:
        return Verdict("hang", "GET /_mock/journal")
    if reply.status_code != 200:
        return Verdict("journal", f"GET /_mock/journal -> {reply.status_code}")
    try:
        json.loads(reply.content.decode("utf-8"), parse_constant=_refuse)
    except ValueError as exc:
        return Verdict("journal", f"not strict JSON: {exc}")
    return Verdict("ok")


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} in the journal")


#: the error shape of each format's routes (formats not named answer in OpenAI's)
_SHAPES = {"messages": "anthropic", "gemini": "google", "gemini_models": "google",
           "ollama": "ollama", "ollama_models": "ollama", "cohere": "cohere",
           "bedrock_converse": "bedrock", "bedrock_invoke": "bedrock", "azure_chat": "azure",
           "azure_completions": "azure", "azure_embeddings": "azure"}


def _shape_of(path: str) -> str:
    route = api_route(parse_route(unquote(urlsplit(path).path)).path)
    return _SHAPES.get(route.format.name, "openai") if route is not None else "openai"


def shape_problem(path: str, status: int, headers: httpx.Headers, content: bytes
                  ) -> str | None:
    """Why an error answer on an API route is not in that route's own error shape (the
    provider's: OpenAI's `{"error": {message, type}}`, Azure's `{"error": {code, message}}`
    (or OpenAI's, for the errors its model API raises), Anthropic's `{"type": "error"}`,
    Google's `{"error": {code, message, status}}`, Ollama's `{"error": "..."}`, Cohere's
    `{"message"}`, Bedrock's `{"message"}` with `x-amzn-errortype`), or None when it is."""
    shape = _shape_of(path)
    try:
        body = json.loads(content)
    except ValueError:
        return f"{shape} error expected, got {content[:120]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    ok = {
        "openai": isinstance(error, dict) and isinstance(error.get("message"), str)
        and isinstance(error.get("type"), str),
        "azure": isinstance(error, dict) and isinstance(error.get("message"), str)
        and (isinstance(error.get("code"), str) or isinstance(error.get("type"), str)),
        "anthropic": isinstance(body, dict) and body.get("type") == "error"
        and isinstance(error, dict) and isinstance(error.get("message"), str),
        "google": isinstance(error, dict) and error.get("code") == status
        and isinstance(error.get("message"), str) and isinstance(error.get("status"), str),
        "ollama": isinstance(body, dict) and set(body) == {"error"} and isinstance(error, str),
        "cohere": isinstance(body, dict) and isinstance(body.get("message"), str),
        "bedrock": isinstance(body, dict) and isinstance(body.get("message"), str)
        and "x-amzn-errortype" in headers,
    }[shape]
    return None if ok else f"{shape} error expected, got {content[:200]!r}"


def send_http(client: httpx.Client, base: str, item: HttpInput, *,
              admin: bool = False) -> Verdict:
    """Send one input and judge the answer, then the lane's journal."""
    try:
        headers = {k: v.encode("utf-8") for k, v in item.headers.items()}  # bytes as given
        # a connection of its own: a fault that resets it after the answer (asked for)
        # must not fail the next input on a pooled connection
        headers["connection"] = b"close"
        with client.stream(item.method, base + item.path, content=item.body,
                           headers=headers) as reply:
            status = reply.status_code
            reply.read()
    except httpx.TimeoutException:
        return Verdict("hang", f"{item.method} {item.path}")
    except httpx.TransportError as exc:
        if not item.asked:
            return Verdict("drop", f"{item.method} {item.path}: {exc!r}")
        status = 0
    if status >= 500 and not item.asked:
        return Verdict("5xx", f"{item.method} {item.path} -> {status}: {reply.text[:300]}")
    if 400 <= status < 500 and not (admin or item.asked or item.method == "OPTIONS"):
        problem = shape_problem(item.path, status, reply.headers, reply.content)
        if problem:
            return Verdict("shape", f"{item.method} {item.path} -> {status}: {problem}")
    if admin and status and not reply.headers.get("content-type", "").startswith(
            "application/json"):
        return Verdict("5xx", f"admin answered {status} without JSON: {reply.text[:200]}")
    return journal_ok(client, base, item.lane)


def send_ws(port: int, client: httpx.Client, item: WsInput, timeout: float = 10.0) -> Verdict:
    """Play one session; every close must come with a close frame (no fault asked for a
    drop), and the lane's journal must stay strict JSON."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake
    from websockets.sync.client import connect

    try:
        # max_queue=None: the client reads every frame while it closes (with its default
        # queue it stops reading once 16 unread messages wait, and never sees the close)
        with connect(f"ws://127.0.0.1:{port}{item.path}", open_timeout=timeout,
                     close_timeout=timeout, max_size=None, max_queue=None) as sock:
            try:
                for message in item.messages:
                    sock.send(message)
                    try:
                        sock.recv(timeout=0.05)
                    except TimeoutError:
                        pass
            except ConnectionClosed:
                pass
            sock.close()
            if sock.protocol.close_rcvd is None:
                return Verdict("no close frame", f"{item.path}: {item.messages!r:.300}")
    except (InvalidHandshake, TimeoutError) as exc:
        return Verdict("hang" if isinstance(exc, TimeoutError) else "drop",
                       f"{item.path}: {exc!r}")
    return journal_ok(client, f"http://127.0.0.1:{port}", item.lane)
