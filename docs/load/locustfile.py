"""Locust load test: streamed chat completions through an LLM gateway (or straight at
mockserver), with mockserver as the upstream that breaks a seeded share of the streams.

Each Locust user holds one stream at a time and reads it to the end, so the number of users
is the number of concurrent streams. docs/workers.md has the whole recipe; in short:

    mockserver serve --workers 2 --chaos 0.1 --seed 7 --quiet        # the fake upstream
    # point the gateway's OpenAI upstream at http://127.0.0.1:8000/v1, then:
    pip install locust==2.47.0
    locust -f docs/load/locustfile.py --host http://127.0.0.1:4000 --headless \\
        -u 500 -r 50 -t 2m --model gpt-4.1 --api-key sk-your-gateway-key

What Locust reports:
- "chat stream" (type SSE): one entry per stream, timed from the request to its last byte.
  A stream fails with what the client saw: `HTTP 429`, `connection error: ...`, `stream
  ended before [DONE]`, `chunk is not JSON`, `error event in the stream`. With mockserver
  behind the gateway these show which faults the gateway passes on, retries or hides.
- "first token" (type TTFT): time to the first content chunk.

Not run by CI (Locust is not in the test environment); benchmarks/bench_workers.py measures
mockserver's own throughput.
"""

from __future__ import annotations

import json
import time

import requests
from locust import HttpUser, constant, events, task

PROMPT = "Tell me a story about a lighthouse keeper."


@events.init_command_line_parser.add_listener
def _options(parser) -> None:  # type: ignore[no-untyped-def]
    group = parser.add_argument_group("mockserver load recipe")
    group.add_argument("--model", default="gpt-4.1", help="model the requests ask for")
    group.add_argument("--api-key", default="sk-load-test", help="Bearer key for the gateway")
    group.add_argument("--chat-path", default="/v1/chat/completions",
                       help="path of the chat route on --host (for mockserver's lanes: "
                       "/lane/<id>/v1/chat/completions)")


class StreamingChatUser(HttpUser):
    """One streamed chat completion after another, each read to the end."""

    wait_time = constant(0)

    @task
    def chat_stream(self) -> None:
        options = self.environment.parsed_options
        body = {"model": options.model, "stream": True,
                "messages": [{"role": "user", "content": PROMPT}]}
        headers = {"Authorization": f"Bearer {options.api_key}"}
        started = time.perf_counter()
        with self.client.post(options.chat_path, json=body, headers=headers, stream=True,
                              catch_response=True, name="chat stream") as response:
            problem, size = self._read(response, started)
            response.request_meta["response_time"] = (time.perf_counter() - started) * 1000
            response.request_meta["response_length"] = size
            if problem:
                response.failure(problem)
            else:
                response.success()

    def _read(self, response, started: float) -> tuple[str | None, int]:  # type: ignore[no-untyped-def]
        """Read the SSE stream; (what went wrong or None, bytes read)."""
        if response.status_code != 200:
            return f"HTTP {response.status_code}", 0
        size, first = 0, True
        try:
            for line in response.iter_lines():
                size += len(line) + 1
                if not line.startswith(b"data:"):
                    continue
                data = line[5:].strip()
                if data == b"[DONE]":
                    return None, size
                try:
                    chunk = json.loads(data)
                except ValueError:
                    return "chunk is not JSON", size
                if "error" in chunk:
                    return "error event in the stream", size
                if first and any(c.get("delta", {}).get("content")
                                 for c in chunk.get("choices") or ()):
                    first = False
                    self.environment.events.request.fire(
                        request_type="TTFT", name="first token", response_length=0,
                        response_time=(time.perf_counter() - started) * 1000,
                        exception=None, context={})
        except requests.RequestException as exc:  # reset, broken chunked framing, timeout
            return f"connection error: {type(exc).__name__}", size
        return "stream ended before [DONE]", size
