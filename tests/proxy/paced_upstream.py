"""A small paced upstream for the proxy tests: a raw asyncio HTTP/1.1 server in a thread.

It answers any POST with an OpenAI-style chat stream, one event per chunked write, `gap`
seconds apart, and lets a test choose misbehaviour per request with the `x-paced` header
(ordinary headers reach the upstream through the proxy; `X-Mock-*` ones do not):

    x-paced: hold        wait for `release()` before the last event (a test proves the
                         client got the first events while the upstream still held the rest)
    x-paced: cut=N       close the socket after N events, without the chunked terminator
    x-paced: silent      read the request, then answer nothing (until the server stops)
    x-paced: secret      also answer with `set-cookie` and an `x-upstream-token` holding SECRET
    x-paced: ndjson      an Ollama-style NDJSON stream (`ndjson_lines()`) instead of SSE

Modes combine with commas: `x-paced: ndjson,hold`.

Every request is kept (`requests`: method, path, headers, body). Bounded: `stop()` closes
the server and every connection (their tasks are cancelled and awaited); the thread is
joined.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PacedUpstream", "WORDS", "SECRET", "events", "ndjson_lines"]

WORDS = ["Hello", " from", " a", " paced", " upstream"]
SECRET = "sk-upstream-9c1f4e7a2b8d6053ef19"


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {"id": "chatcmpl-paced", "object": "chat.completion.chunk", "created": 1,
               "model": "paced-1", "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                "finish_reason": finish}]}
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


def events() -> list[bytes]:
    """The stream: role chunk, one chunk per word, finish chunk, [DONE] (8 events)."""
    out = [_chunk({"role": "assistant", "content": ""})]
    out += [_chunk({"content": word}) for word in WORDS]
    return out + [_chunk({}, "stop"), b"data: [DONE]\n\n"]


def ndjson_lines() -> list[bytes]:
    """Ollama's /api/chat stream: one JSON object per line, the last with `"done": true`."""
    lines = [{"model": "paced-1", "message": {"role": "assistant", "content": word},
              "done": False} for word in WORDS]
    lines.append({"model": "paced-1", "message": {"role": "assistant", "content": ""},
                  "done": True, "done_reason": "stop"})
    return [json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines]


@dataclass
class PacedUpstream:
    gap: float = 0.05
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._released: asyncio.Event | None = None
        self._stop: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._thread = threading.Thread(target=self._run, name="paced-upstream", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> PacedUpstream:
        self._thread.start()
        assert self._ready.wait(10), "the paced upstream did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def release(self) -> None:
        """Let a `hold` stream send its last event."""
        self._loop.call_soon_threadsafe(lambda: self._released and self._released.set())

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._released, self._stop = asyncio.Event(), asyncio.Event()
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        await self._stop.wait()
        server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            line, *lines = head.split("\r\n")
            method, target, _ = line.split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in
                       (h.partition(":") for h in lines if h)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append({"method": method, "path": target, "headers": headers,
                                  "body": body})
            await self._answer(headers.get("x-paced", ""), writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.transport.abort()

    async def _answer(self, header: str, writer: asyncio.StreamWriter) -> None:
        modes = {m.strip() for m in header.split(",")}
        mode = next((m for m in modes if m.startswith("cut=")), "")
        if "silent" in modes:
            await asyncio.sleep(60)  # stop() aborts it first
            return
        extra = ""
        if "secret" in modes:
            extra = f"set-cookie: session={SECRET}\r\nx-upstream-token: {SECRET}\r\n"
        ndjson = "ndjson" in modes
        kind = "application/x-ndjson" if ndjson else "text/event-stream; charset=utf-8"
        writer.write((f"HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\n"
                      "transfer-encoding: chunked\r\nx-request-id: req_paced\r\n"
                      "connection: close\r\n"  # one request per connection
                      f"{extra}\r\n").encode())
        cut = int(mode[4:]) if mode.startswith("cut=") else None
        stream = ndjson_lines() if ndjson else events()
        for i, data in enumerate(stream):
            if cut is not None and i == cut:
                return  # the socket is aborted without the chunked terminator
            if i:
                await asyncio.sleep(self.gap)
            if "hold" in modes and i == len(stream) - 1:
                assert self._released is not None
                await asyncio.wait_for(self._released.wait(), 20)
                self._released.clear()
            writer.write(b"%x\r\n%s\r\n" % (len(data), data))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.05)  # let the last bytes leave before the socket is aborted
