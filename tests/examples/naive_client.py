"""A hand-written streaming chat client, the way many browser apps write one, ported to httpx.

    const reader = res.body.getReader();
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const line of new TextDecoder().decode(value).split("\\n"))
        if (line.startsWith("data: ")) handle(line.slice(6));
    }

It is the downstream code under test in `test_naive_client_example.py`, and it has the classic
bugs on purpose, each one a fault in the mockserver catalogue brings out:

1. Each network read is split on "\\n" on its own, so an event cut across two reads is lost
   (`split`, `drip`, any proxy that re-chunks the stream).
2. Lines that are not valid JSON are skipped silently (`malformed_json`, bug 1's leftovers).
3. The stream ending without `data: [DONE]` returns the partial text as if complete
   (`close(mode=clean)`).
4. The HTTP status is never checked: an error body yields "" (`status`).
5. Each read is decoded on its own, so a character cut across reads is garbled.
"""

from __future__ import annotations

import json

import httpx

__all__ = ["naive_chat", "careful_chat"]

MESSAGES = [{"role": "user", "content": "Say hello"}]


def naive_chat(base_url: str, *, model: str = "gpt-4.1", timeout: float = 5.0) -> str:
    """Stream a chat completion and return the text (with the bugs listed above)."""
    text = ""
    body = {"model": model, "messages": MESSAGES, "stream": True}
    with httpx.Client(timeout=timeout) as client:
        with client.stream("POST", f"{base_url}/chat/completions", json=body) as response:
            for chunk in response.iter_bytes():
                for line in chunk.decode("utf-8", errors="replace").split("\n"):
                    if not line.startswith("data: "):
                        continue
                    data = line[len("data: "):]
                    if data == "[DONE]":
                        return text
                    try:
                        payload = json.loads(data)
                    except json.JSONDecodeError:
                        continue
                    for choice in payload.get("choices", []):
                        text += choice.get("delta", {}).get("content") or ""
    return text


def careful_chat(base_url: str, *, model: str = "gpt-4.1", timeout: float = 5.0) -> str:
    """The same client with the bugs fixed: buffered lines, status checked, [DONE] required."""
    text = ""
    body = {"model": model, "messages": MESSAGES, "stream": True}
    with httpx.Client(timeout=timeout) as client:
        with client.stream("POST", f"{base_url}/chat/completions", json=body) as response:
            response.raise_for_status()
            for line in response.iter_lines():  # decodes incrementally, buffers partial lines
                if not line.startswith("data:"):
                    continue
                data = line[len("data:"):].strip()
                if data == "[DONE]":
                    return text
                payload = json.loads(data)  # a malformed event is an error, not a skip
                if "error" in payload:
                    raise RuntimeError(f"stream error: {payload['error']}")
                for choice in payload.get("choices", []):
                    text += choice.get("delta", {}).get("content") or ""
    raise ConnectionError(f"stream ended without [DONE] after {len(text)} characters")
