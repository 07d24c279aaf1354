"""`serve --record DIR`: each proxied exchange becomes a scenario file in DIR.

    Recorder(DIR).begin(forward, url) ─► Recording, fed by the proxy as the answer arrives:
        .head(status, headers, content type)   .chunk(bytes, loop time) | .body(bytes)
        .finish(cut, complete) ─► core/recording.document() ─► DIR/<name>.yaml

The recording reads the upstream's own bytes with its own framer (the proxy may pass them on
without framing), so what is saved is the upstream's answer, not what the faults made of it.
An answer the proxy stopped reading early (a fault ended it, the client left) is not saved: it
would replay as less than the upstream said; one whose terminal event had arrived is (SDKs
close the connection at `[DONE]`, before the body's end). An answer the upstream cut is saved
with the cut (`close(after=N, mode=abrupt)`). The file name comes from the request (format,
model, digest of the body), so recording the same request again replaces its file. Secrets
are redacted before anything is written (core/redact.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from pathlib import Path

from mockserver.core.live_frames import Framer, framer_for
from mockserver.core.recording import Exchange, document
from mockserver.errors import ConfigError
from mockserver.transport.upstreams import Forward, request_headers

__all__ = ["Recorder", "Recording"]

log = logging.getLogger("mockserver")
#: the kind of a format's last event where it is not `done`/`stop`
_LAST = {"responses": "finish", "gemini": "finish", "bedrock_converse": "usage"}


class Recorder:
    """Writes recordings into one directory (created if missing)."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"--record {directory}: cannot create the directory: {exc}"
                              ) from None
        if not os.access(self.directory, os.W_OK):
            raise ConfigError(f"--record {directory}: the directory is not writable")

    def begin(self, fwd: Forward, url: str) -> Recording:
        exchange = Exchange(
            api=fwd.view.api, method=fwd.method, path=fwd.path, url=url,
            request_headers=request_headers(fwd.headers), request_body=fwd.body,
            model=fwd.view.model,
        )
        return Recording(self, exchange, asyncio.get_running_loop().time())

    def write(self, exchange: Exchange) -> Path:
        import yaml  # only recording needs it here

        name, doc = document(exchange)
        target = self.directory / f"{name}.yaml"
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".recording-", suffix=".yaml")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
        return target


class Recording:
    """One exchange being recorded."""

    def __init__(self, recorder: Recorder, exchange: Exchange, started: float) -> None:
        self.recorder, self.exchange, self.started = recorder, exchange, started
        self._framer: Framer | None = None

    def head(self, status: int, headers: list[tuple[str, str]], content_type: str) -> None:
        self.exchange.status, self.exchange.headers = status, list(headers)
        self._framer = framer_for(content_type, self.exchange.api)

    def chunk(self, data: bytes, now: float) -> None:
        if self._framer is None:
            return
        ms = (now - self.started) * 1000.0
        for frame in self._framer.feed(data):
            if frame.event is not None:
                self.exchange.events.append((ms, frame.event))

    def body(self, data: bytes) -> None:
        self.exchange.body = data
        self.finish(cut=False, complete=True)

    @property
    def ended(self) -> bool:
        """The answer's last event so far is a terminal one (`[DONE]`, `message_stop`,
        `response.completed`, Ollama's `done` line, Gemini's finishReason, Bedrock's
        metadata): a client that leaves now (SDKs stop at `[DONE]`) left nothing unread but
        the end of the body."""
        if not self.exchange.events:
            return False
        last, api = self.exchange.events[-1][1], self.exchange.api
        return last.kind in ("done", "stop") or _LAST.get(api) == last.kind

    def finish(self, *, cut: bool, complete: bool) -> None:
        if not complete:
            log.info("mockserver: not recorded (the answer was not read to its end): %s %s",
                     self.exchange.method, self.exchange.url)
            return
        self.exchange.cut = cut
        try:
            path = self.recorder.write(self.exchange)
        except (OSError, ValueError) as exc:  # a full disk must not break the answer
            log.error("mockserver: could not record %s: %s", self.exchange.url, exc)
            return
        log.info("mockserver: recorded %s", path)

    def __repr__(self) -> str:
        return f"<Recording {self.exchange.method} {self.exchange.url}>"
