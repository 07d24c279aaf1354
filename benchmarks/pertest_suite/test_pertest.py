"""One test per (round, client mode, contender): a 20-chunk streamed completion via openai.

Parametrized round-major and rotated each round, so contenders interleave in time and every
round holds one test of each: the per-round ratio is then a same-moment comparison.
"""

from __future__ import annotations

import os

import pytest

WHO = os.environ.get("PERTEST_WHO", "mockserver,respx,httpserver,mocktransport,uvicorn").split(",")
MODES = ["session", "test"]
N = int(os.environ.get("PERTEST_ROUNDS", "10"))


def _cases():
    for r in range(N):
        for mode in MODES:
            for who in WHO[r % len(WHO):] + WHO[:r % len(WHO)]:
                yield pytest.param(r, mode, who, id=f"{r}-{mode}-{who}")


def test_warmup(request):
    """Not timed: one SDK call through `httpx2.MockTransport` first, so the openai SDK's lazily
    imported chat resources are loaded before any contender's first test (whoever went
    first would otherwise pay them in its session start)."""
    target = request.getfixturevalue("c_mocktransport")
    stream = target.new_client().chat.completions.create(
        model="gpt-4.1", messages=[{"role": "user", "content": "hi"}], stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)


@pytest.mark.parametrize(("rnd", "mode", "who"), list(_cases()))
def test_stream(rnd, mode, who, request):
    target = request.getfixturevalue(f"c_{who}")
    client = target.session_client() if mode == "session" else target.new_client()
    stream = client.chat.completions.create(
        model="gpt-4.1", messages=[{"role": "user", "content": "hi"}], stream=True)
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == "tok" * 20
    if mode == "test":
        client.close()
