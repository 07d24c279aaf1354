"""Fuzzing throughput: examples per second in-process and over the wire, as one JSON line.

    python benchmarks/bench_fuzz.py [--quick]

- in-process examples/s (target >= 500): ``check_sse_parser`` on a correct parser (the
  reference decoder fed read by read): draw a stream and its split, parse, compare with the
  oracle; the median of three runs (seeds 0, 1, 2) of 500 examples.
- decoder MB/s: the reference decoder alone on a 4 MiB multi-event body in 4 KiB reads.
- examples/s over the wire: ``chat_streams()`` scenarios with drawn fault plans, each enqueued
  on a fresh lane of a real ``MockServer`` (127.0.0.1) and consumed by the openai SDK via
  ``play_over_the_wire``.

Every figure counts the examples actually run. ``benchmarks/run.py`` reads the last line
(``{"rows": [...]}``).
"""

from __future__ import annotations

import argparse
import json
import time

__all__ = ["main"]


def bench_inprocess(examples: int, seed: int = 0) -> float:
    from mockserver.fixtures import check_sse_parser

    from mockserver.sse import SSEDecoder

    calls = 0

    def parse(chunks: list[bytes]) -> list[object]:
        nonlocal calls
        calls += 1
        decoder = SSEDecoder()
        return [e for chunk in chunks for e in decoder.decode(chunk)] + decoder.flush()

    start = time.perf_counter()
    check_sse_parser(parse, max_examples=examples, seed=seed)
    return calls / (time.perf_counter() - start)


def bench_decoder() -> float:
    from mockserver.sse import decode_all

    body = b"".join(b'data: {"choices":[{"delta":{"content":"tok %d"}}]}\n\n' % i
                    for i in range(80_000))
    chunks = [body[i : i + 4096] for i in range(0, len(body), 4096)]
    start = time.perf_counter()
    events = decode_all(chunks)
    elapsed = time.perf_counter() - start
    assert len(events) == 80_000
    return len(body) / elapsed / 1e6


def bench_wire(examples: int) -> float:
    import httpx
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from mockserver.fixtures.check import play_over_the_wire
    from mockserver.fixtures.strategies import chat_streams
    from openai import OpenAI

    from mockserver.transport.server import MockServer

    count = 0
    with MockServer() as server, httpx.Client(timeout=3.0) as http:

        def call(base_url: str) -> str:
            client = OpenAI(base_url=base_url, api_key="bench", max_retries=0, http_client=http)
            stream = client.chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "hi"}], stream=True
            )
            return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)

        @hypothesis_seed(0)
        @settings(max_examples=examples, deadline=None, database=None,
                  phases=(Phase.generate,), suppress_health_check=list(HealthCheck))
        @given(chat_streams())
        def play(scenario) -> None:  # type: ignore[no-untyped-def]
            nonlocal count
            count += 1
            play_over_the_wire(server, scenario, call,
                               expected="".join(scenario.responses[0].chunks))

        start = time.perf_counter()
        play()
        return count / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer examples (< 30 s)")
    args = parser.parse_args(argv)
    inprocess, wire = (100, 20) if args.quick else (500, 100)
    rates = [bench_inprocess(inprocess, seed) for seed in range(1 if args.quick else 3)]
    rate = sorted(rates)[len(rates) // 2]
    rows = [
        {"metric": "check_sse_parser examples/s, in-process", "unit": "ex/s",
         "ours": round(rate, 1), "target": ">= 500", "met": rate >= 500,
         "note": f"median of {len(rates)} runs of {inprocess} examples (seeds 0..); "
                 f"all: {[round(r) for r in rates]}"},
        {"metric": "reference decoder, 4 KiB reads", "unit": "MB/s",
         "ours": round(bench_decoder(), 2)},
        {"metric": "examples/s over the wire (openai SDK, drawn fault plans)", "unit": "ex/s",
         "ours": round(bench_wire(wire), 1)},
    ]
    print(json.dumps({"rows": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
