"""Cut a live upstream body into frames as it arrives: each frame's bytes and the event it is.

    upstream bytes ─► framer_for(content type, format).feed(bytes) ─► [LiveFrame(data, event)]
                                                      .flush() at the end of the body

An SSE body is cut after each event block (`sse.splitter.EventSplitter`, judged by our own
`SSEDecoder`); an NDJSON body (Ollama) after each line. A frame keeps the upstream's exact
bytes, so an event no fault touches goes on unchanged; `event` is None for bytes that
dispatch nothing (comments, keep-alives, blank lines), which are passed on but never counted.
Bodies of other types (a binary event stream until its format lands) get no framer: they
pass through as bytes, where the wire faults still act.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from mockserver.core.answer import kind_of
from mockserver.core.events import Event
from mockserver.core.formats.base import sse_bytes
from mockserver.sse.decoder import ServerSentEvent
from mockserver.sse.splitter import EventSplitter

__all__ = ["LiveFrame", "Framer", "SSEFramer", "NDJSONFramer", "framer_for"]


@dataclass(slots=True)
class LiveFrame:
    """One frame of a live body: its bytes, and the event it carries (None: not an event)."""

    data: bytes
    event: Event | None = None


class Framer(Protocol):
    """Cuts a body into frames (`feed`, then `flush` at its end) and writes an event back in
    the same framing (`encode`, for the events a fault changed)."""

    def feed(self, data: bytes) -> list[LiveFrame]: ...
    def flush(self) -> list[LiveFrame]: ...
    def encode(self, event: Event) -> bytes: ...


class SSEFramer:
    """Server-sent events: one frame per event block."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self._splitter = EventSplitter()

    def _frames(self, blocks: list[tuple[bytes, ServerSentEvent | None]]) -> list[LiveFrame]:
        out = []
        for raw, sse in blocks:
            event = None
            if sse is not None:
                name = None if sse.event == "message" else sse.event
                event = Event(data=sse.data, event=name, kind=kind_of(self.fmt, name, sse.data))
            out.append(LiveFrame(raw, event))
        return out

    def feed(self, data: bytes) -> list[LiveFrame]:
        return self._frames(self._splitter.feed(data))

    def flush(self) -> list[LiveFrame]:
        return self._frames(self._splitter.flush())

    def encode(self, event: Event) -> bytes:
        return sse_bytes(event)


class NDJSONFramer:
    """Newline-delimited JSON: one frame per line; blank lines are not events."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self._rest = b""

    def _frame(self, line: bytes) -> LiveFrame:
        text = line.strip().decode("utf-8", "replace")
        if not text:
            return LiveFrame(line)
        return LiveFrame(line, Event(data=text, kind=kind_of(self.fmt, None, text)))

    def feed(self, data: bytes) -> list[LiveFrame]:
        lines = (self._rest + data).split(b"\n")
        self._rest = lines.pop()
        out = [self._frame(line + b"\n") for line in lines]
        if len(self._rest) > 1 << 20:  # a line without end in sight: passed on, uncounted
            out.append(LiveFrame(self._rest))
            self._rest = b""
        return out

    def flush(self) -> list[LiveFrame]:
        rest, self._rest = self._rest, b""
        return [self._frame(rest)] if rest else []

    def encode(self, event: Event) -> bytes:
        return (event.data or "").encode() + b"\n"


def framer_for(content_type: str | None, fmt: str) -> Framer | None:
    """The framer for a body of this content type, or None to pass its bytes through."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "text/event-stream":
        return SSEFramer(fmt)
    if kind in ("application/x-ndjson", "application/jsonl", "application/json-lines"):
        return NDJSONFramer(fmt)
    return None
