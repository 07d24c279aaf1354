"""The format registry: route patterns with path parameters, framings, renderers loaded by name,
and the transport's route table derived from it (docs/architecture.md, "Adding a format")."""

from __future__ import annotations

import pytest

from mockserver.core.events import Event
from mockserver.core.formats import FORMATS, JSON, SSE, Format, Framing, RoutePattern
from mockserver.core.request import RequestView
from mockserver.faults import LAYERS, registry
from mockserver.sse import encode_event
from mockserver.transport.chaos import PLAIN_POOL, pool_for
from mockserver.transport.routing import api_route


@pytest.mark.parametrize(("pattern", "path", "params"), [
    ("/v1/chat/completions", "/v1/chat/completions", {}),
    ("/v1/chat/completions", "/v1/chat/completions/x", None),
    ("/v1/models/{model:path}", "/v1/models/meta-llama/Llama-3", {"model": "meta-llama/Llama-3"}),
    ("/v1beta/models/{model}:streamGenerateContent",
     "/v1beta/models/gemini-2.5-flash:streamGenerateContent", {"model": "gemini-2.5-flash"}),
    ("/v1beta/models/{model}:streamGenerateContent", "/v1beta/models/a/b:streamGenerateContent",
     None),
    ("/model/{modelId}/converse-stream", "/model/anthropic.claude-v2:1/converse-stream",
     {"modelId": "anthropic.claude-v2:1"}),
    ("/openai/deployments/{deployment}/chat/completions",
     "/openai/deployments/prod-4o/chat/completions", {"deployment": "prod-4o"}),
])
def test_route_pattern_matches_whole_paths_and_names_their_parameters(pattern, path, params):
    assert RoutePattern(pattern).match(path) == params


def test_every_route_of_the_registry_is_in_the_transport_route_table():
    for fmt in FORMATS.values():
        for route in fmt.routes:
            path = route.pattern.replace("{model:path}", "gpt-4.1")
            found = api_route(path)
            assert found is not None and found.format is fmt, path
            assert found.pattern is route
    assert api_route("/v1/nothing/here") is None
    assert api_route("/v1/models/gpt-4.1").params == {"model": "gpt-4.1"}


def test_every_format_loads_its_renderer_and_declares_known_fault_layers():
    for name, fmt in FORMATS.items():
        render = fmt.renderer
        assert fmt.fault_layers <= set(LAYERS), name
        if fmt.framing is SSE:
            assert render.view and render.events and render.body, name
            assert fmt.stream_content_type == "text/event-stream; charset=utf-8"
        elif fmt.framing.encode is not None:  # another stream framing (AWS event stream, ...)
            assert render.view and render.events and render.body, name
        else:
            assert fmt.framing is JSON, name


def test_sse_framing_encodes_an_event_as_the_sse_encoder_does():
    event = Event(data='{"a":1}', event="response.created", id="7")
    assert SSE.encode is not None
    assert SSE.encode(event) == encode_event('{"a":1}', event="response.created", id="7")


def test_chaos_draws_only_faults_whose_layer_applies_to_the_format():
    stream = pool_for(RequestView(api="embeddings", path="/v1/embeddings", stream=True))
    assert stream and all(registry()[s.split("(")[0]].layer in FORMATS["embeddings"].fault_layers
                          for s in stream)
    assert not any(registry()[s.split("(")[0]].layer == "sse" for s in stream)
    assert pool_for(RequestView(api="embeddings", path="/v1/embeddings")) == PLAIN_POOL


def test_chaos_draws_only_faults_that_act_on_the_formats_framing(monkeypatch):
    ndjson = Framing("ndjson", "application/x-ndjson", lambda e: (e.data or "").encode() + b"\n")
    monkeypatch.setitem(FORMATS, "fake", Format("fake", (RoutePattern("/fake"),), ndjson, "chat"))
    names = {s.split("(")[0] for s in pool_for(RequestView(api="fake", path="/fake", stream=True))}
    assert {"split", "close", "stall", "status"} <= names  # transport faults: any framing
    assert not names & {"bom", "line_endings", "keepalive"}  # SSE syntax
    assert "malformed_json" in names  # one bad JSON event: any stream of JSON events
