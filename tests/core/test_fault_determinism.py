"""Every registered fault compiles to the same WirePlan twice for the same seed (SPEC 3).

Parametrized over the whole registry: each fault is built from its `example` spec (or its bare
name when every parameter has a default), so faults added later are covered automatically.
Pure: `compile_plan` only, no sockets.
"""

from __future__ import annotations

import pytest

from mockserver.core.compile import compile_plan
from mockserver.core.formats import view_for
from mockserver.core.plan import WirePlan
from mockserver.core.scenario import Response, Timing, ToolCall
from mockserver.faults import Fault, parse_faults, registry

REQUEST = view_for(
    "chat",
    "/v1/chat/completions",
    {
        "model": "gpt-4.1",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    },
)
RESPONSES = {
    "text": Response(text="Héllo wörld, 你好 🙂 and a longer tail of words"),
    "tool": Response(tool_calls=(ToolCall("get_weather", '{"city": "Paris", "unit": "c"}'),)),
}
TIMINGS = {"no-timing": None, "jitter": Timing(first_token_ms=20, chunk_ms=7, jitter_ms=3)}


def example_fault(cls: type[Fault]) -> Fault:
    (fault,) = parse_faults(cls.example or cls.name)
    return fault


def plan_for(fault: Fault, response: Response, timing: Timing | None, seed: int) -> WirePlan:
    return compile_plan(REQUEST, response=response, seed=seed, timing=timing, faults=[fault])


@pytest.mark.parametrize("name", sorted(registry()))
def test_example_spec_creates_the_fault(name: str) -> None:
    cls = registry()[name]
    assert type(example_fault(cls)) is cls


@pytest.mark.parametrize("timing", sorted(TIMINGS))
@pytest.mark.parametrize("response", sorted(RESPONSES))
@pytest.mark.parametrize("name", sorted(registry()))
def test_fault_same_seed_gives_identical_plan(name: str, response: str, timing: str) -> None:
    fault = example_fault(registry()[name])
    first = plan_for(fault, RESPONSES[response], TIMINGS[timing], seed=7)
    second = plan_for(example_fault(registry()[name]), RESPONSES[response], TIMINGS[timing], seed=7)
    assert first == second
    assert first.describe(limit=10_000) == second.describe(limit=10_000)
