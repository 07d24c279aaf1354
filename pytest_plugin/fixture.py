"""`MockserverFixture`: what a test gets from the `mockserver` fixture.

Each test has its own lane on the session's server (`/lane/<id>/v1`): its own queue of scripted
scenarios and its own journal, so tests never see each other's scripts, even under xdist or
against one shared remote server. Scripting helpers (`stream`, `error`, `sequence`, `ws`,
`enqueue`) build a `Scenario`, validate it in the test (errors name the field), stamp it with a
seed derived from `--mockserver-seed` and the test id, add the marker's faults, and queue it.
The fixture only asks its `Session` (session.py), which owns the server and talks to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from mockserver.core.scenario import Scenario
from mockserver.faults import parse_faults

from .options import UNUSED_ANCHOR, MarkerOptions
from .session import Session, close_async_client, watch_async_client
from .transcript import describe_scenario, transcript

__all__ = ["MockserverFixture", "UnusedScenariosError"]


class UnusedScenariosError(AssertionError):
    """Scenarios queued by the test were not requested (as often as their `times`)."""


class MockserverFixture:
    """One test's view of the mock server: addresses, scripting, journal, SDK clients."""

    def __init__(self, session: Session, lane: str, *, nodeid: str,
                 options: MarkerOptions | None = None) -> None:
        self._session = session
        self.lane = lane
        self.nodeid = nodeid
        self.options = options or MarkerOptions()
        self._marker_faults = parse_faults(list(self.options.fault_specs()))
        self._labels: dict[str, str] = {}
        self._catchall: str | None = None
        self._url_scenario: str | None = None
        self._count = 0
        self._async_http: list[Any] = []
        self._closing: list[Any] = []  # clients this test was given, closed at teardown
        self._final: tuple[list[Any], list[dict[str, Any]]] | None = None  # at teardown
        self.resilience_reports: list[Any] = []
        self._apply_marker()

    # -- addresses ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The lane's root (`http://HOST:PORT/lane/<id>`): Anthropic SDKs take this one."""
        suffix = f"/scenario/{self._url_scenario}" if self._url_scenario else ""
        root = self._session.url_for("/", lane=self.lane)
        return root.rstrip("/") + suffix

    @property
    def base_url(self) -> str:
        """The lane's OpenAI base URL (`.../lane/<id>/v1`)."""
        return f"{self.url}/v1"

    @property
    def ws_url(self) -> str:
        return "ws" + self.base_url[len("http"):]

    @property
    def api_key(self) -> str:
        """Any key works unless the server was started with `--api-key`."""
        return str(os.environ.get("MOCKSERVER_API_KEY", "sk-mockserver-test"))

    @property
    def seed(self) -> int:
        """The session seed (`--mockserver-seed`); each scenario's seed derives from it."""
        return self._session.seed

    # -- scripting ------------------------------------------------------------------------
    def stream(self, text: str | None = None, *, chunks: Iterable[str] | None = None,
               tool_calls: Iterable[Mapping[str, Any]] | None = None, model: str | None = None,
               faults: Any = (), timing: Any = None, times: int | str = 1,
               finish_reason: str | None = None, usage: Mapping[str, Any] | None = None,
               path: str | None = None) -> str:
        """Queue one scripted answer (streamed when the request asks for a stream).

        `model` / `path` restrict it to requests for that model / API path; `faults` are
        spec strings (or mappings, or Fault objects); `times` is a count or "always"."""
        response: dict[str, Any] = {}
        for key, value in (("text", text), ("finish_reason", finish_reason), ("usage", usage)):
            if value is not None:
                response[key] = value
        if chunks is not None:
            response["chunks"] = list(chunks)
        if tool_calls is not None:
            response["tool_calls"] = list(tool_calls)
        return self.enqueue(self._doc({"response": response}, faults, timing, times, model, path))

    def error(self, status: int, *, type: str | None = None, message: str | None = None,
              code: str | None = None, headers: Mapping[str, str] | None = None,
              times: int | str = 1, faults: Any = ()) -> str:
        """Queue an HTTP error answer in the API's error shape (before any streaming)."""
        error: dict[str, Any] = {"status": status}
        for key, value in (("type", type), ("message", message), ("code", code)):
            if value is not None:
                error[key] = value
        if headers:
            error["headers"] = dict(headers)
        return self.enqueue(self._doc({"response": {"error": error}}, faults, None, times))

    def sequence(self, *responses: Any, faults: Any = (), times: int | str | None = None) -> str:
        """Queue answers consumed in order (retry tests); a string is shorthand for a text."""
        items = [{"text": r} if isinstance(r, str) else r for r in responses]
        doc = self._doc({"sequence": items}, faults, None, times if times else len(items))
        return self.enqueue(doc)

    def ws(self, script: Iterable[Any], *, faults: Any = (), times: int | str = 1) -> str:
        """Queue a WebSocket script (the `response.ws` list), played on this lane's WS routes."""
        return self.enqueue(self._doc({"response": {"ws": list(script)}}, faults, None, times))

    def enqueue(self, scenario: Any) -> str:
        """Queue a scenario (a dict in the scenario file shape, or a `Scenario`); returns its id."""
        built = self._prepare(scenario)
        queued = self._push(built)
        self._labels[queued] = describe_scenario(built)
        return queued

    @staticmethod
    def _doc(doc: dict[str, Any], faults: Any, timing: Any, times: Any,
             model: str | None = None, path: str | None = None) -> dict[str, Any]:
        if faults:
            doc["faults"] = faults if isinstance(faults, (str, Mapping)) else list(faults)
        if timing is not None:
            doc["timing"] = timing
        doc["times"] = times
        if model or path:
            doc["match"] = {k: v for k, v in (("model", model), ("path", path)) if v}
        return doc

    def _prepare(self, scenario: Any, *, marker: bool = True) -> Scenario:
        """Validate, stamp the seed, add the marker's faults (unless `marker=False`)."""
        built = Scenario.from_dict(scenario)
        if built.seed is None:
            seed = self.options.seed
            if seed is None:
                seed = self._session.seed_for(self.nodeid, self._count)
            built = replace(built, seed=seed)
        self._count += 1
        return built.with_faults(self._marker_faults) if marker and self._marker_faults else built

    def _push(self, built: Scenario) -> str:
        return self._session.enqueue(self.lane, built, last=self._catchall)

    def _apply_marker(self) -> None:
        options = self.options
        if options.scenario:
            found = self._session.library(options.scenario)
            if found is None:  # only the remote server knows it: choose it by URL
                self._url_scenario = options.scenario
            else:
                self.enqueue(found)
        if self._marker_faults and not self._session.remote:
            # Requests that match nothing scripted get the faithful default, with the faults.
            self._catchall = self._push(self._prepare({"times": "always"}))

    # -- journal --------------------------------------------------------------------------
    @property
    def requests(self) -> list[Any]:
        """What this test's lane received, in arrival order (`JournalEntry`: method, path,
        headers, body, scenario, faults, status, outcome, and `plan`, what was sent)."""
        return self.settled_requests()

    def settled_requests(self, timeout: float = 1.0) -> list[Any]:
        """The journal, after waiting (at most `timeout` s) for in-flight responses to finish
        (a client can hold the last byte before the server has recorded the outcome)."""
        return self._session.journal(self.lane, timeout)

    def unused(self) -> list[dict[str, Any]]:
        """Scenarios queued by this test that still expect requests."""
        return [q for q in self._session.unused(self.lane) if q["id"] != self._catchall]

    def reset(self) -> None:
        """Forget this test's queue and journal, then re-apply the marker."""
        self._session.clear(self.lane)
        self._labels.clear()
        self._catchall = self._url_scenario = None
        self._apply_marker()

    def assert_all_used(self) -> None:
        """Fail if a scenario queued by this test was never requested (or not `times` times)."""
        unused = self.unused()
        if not unused:
            return
        lines = [
            f"mockserver: {len(unused)} scenario(s) queued by this test were not fully used:"
        ]
        for q in unused:
            label = self._labels.get(q["id"], q.get("name") or "scenario")
            lines.append(f"  - {q['id']}: {label} (requested {q['used']} of {q['times']} times)")
        lines.append(
            "Point the client at mockserver.base_url (this test's lane), remove the scenario, or "
            "opt out with @pytest.mark.mockserver(assert_all_used=False); see " + UNUSED_ANCHOR
        )
        raise UnusedScenariosError("\n".join(lines))

    def transcript(self) -> str:
        """What the server received and sent for this test, one block per request."""
        entries, unused = self._final or (self.requests, self.unused())
        return transcript(self.lane, entries, unused, seed=self._session.seed, labels=self._labels)

    def journal_entries(self) -> list[Any]:
        """This test's journal: as kept at teardown once the lane is freed, else as it is."""
        return self._final[0] if self._final else self.requests

    # -- clients and the resilience matrix ------------------------------------------------
    def openai_client(self, **kw: Any) -> Any:
        """An `openai.OpenAI` on this lane, sharing the session's HTTP client; max_retries=0."""
        import openai

        kw.setdefault("http_client", self._session.sync_http_client("openai"))
        return openai.OpenAI(**self._sdk_defaults(kw, self.base_url))

    def async_openai_client(self, **kw: Any) -> Any:
        """An `openai.AsyncOpenAI` on this lane (its HTTP client is this test's, event loop's)."""
        import openai

        if "http_client" not in kw:
            http = openai.DefaultAsyncHttpxClient(verify=self._session.ssl_context())
            self._async_http.append((http, watch_async_client(http)))
            kw["http_client"] = http
        return openai.AsyncOpenAI(**self._sdk_defaults(kw, self.base_url))

    def google_client(self, **kw: Any) -> Any:
        """A `google.genai.Client` on this lane (Gemini routes; any API key works)."""
        from .provider_clients import google_client

        return google_client(self, **kw)

    def ollama_client(self, **kw: Any) -> Any:
        """An `ollama.Client` on this lane (/api/chat, /api/generate, /api/tags, /api/show)."""
        from .provider_clients import ollama_client

        return ollama_client(self, **kw)

    def cohere_client(self, **kw: Any) -> Any:
        """A `cohere.ClientV2` on this lane (/v2/chat), without retries."""
        from .provider_clients import cohere_client

        return cohere_client(self, **kw)

    def anthropic_client(self, **kw: Any) -> Any:
        """An `anthropic.Anthropic` on this lane, sharing the session's HTTP client."""
        import anthropic

        kw.setdefault("http_client", self._session.sync_http_client("anthropic"))
        return anthropic.Anthropic(**self._sdk_defaults(kw, self.url))

    def azure_client(self, **kw: Any) -> Any:
        """An `openai.AzureOpenAI` on this lane (`azure_endpoint` is the lane's root, api
        version 2024-10-21), sharing the session's HTTP client; max_retries=0."""
        import openai

        kw.setdefault("http_client", self._session.sync_http_client("openai"))
        kw.setdefault("azure_endpoint", self.url)
        kw.setdefault("api_version", "2024-10-21")
        kw.setdefault("api_key", self.api_key)
        kw.setdefault("max_retries", 0)
        return openai.AzureOpenAI(**kw)

    def bedrock_client(self, **kw: Any) -> Any:
        """A boto3 `bedrock-runtime` client on this lane (dummy credentials, us-east-1, one
        attempt: botocore retries throttling and 5xx by default)."""
        client = self._session.bedrock_client(self.url, **kw)
        # closed at teardown, with every stream it returned (a stream that raised mid-way
        # still holds its connection, which would otherwise be left to the garbage collector)
        self._closing.append(client)
        client.meta.events.register("after-call.bedrock-runtime", self._keep_streams)
        return client

    def _keep_streams(self, parsed: Any = None, **_: Any) -> None:
        for key in ("stream", "body"):  # ConverseStream / InvokeModel(WithResponseStream)
            value = parsed.get(key) if isinstance(parsed, dict) else None
            if hasattr(value, "close"):
                self._closing.append(value)

    def _sdk_defaults(self, kw: dict[str, Any], base_url: str) -> dict[str, Any]:
        kw.setdefault("base_url", base_url)
        kw.setdefault("api_key", self.api_key)
        kw.setdefault("max_retries", 0)
        return kw

    def resilience(self, call: Callable[[str], Any], faults: Any = "all", *,
                   timeout: float = 5.0, text: str | None = None) -> Any:
        """Run `call(base_url) -> str` once per fault and classify each outcome."""
        from .resilience import run_matrix

        report = run_matrix(self, call, faults, timeout=timeout, text=text)
        self.resilience_reports.append(report)
        return report

    # -- teardown -------------------------------------------------------------------------
    def close(self, *, check_unused: bool) -> None:
        """Teardown: re-raise server errors, check unused scenarios, free the lane."""
        try:
            self._final = (self.requests, self.unused())  # rendered only if the test fails
            self._session.check()
            if check_unused and self.options.assert_all_used:
                self.assert_all_used()
        finally:
            self._session.clear(self.lane)
            for _http, task in self._async_http:
                close_async_client(task)
            self._async_http.clear()
            for closable in reversed(self._closing):  # streams before their client
                closable.close()
            self._closing.clear()
