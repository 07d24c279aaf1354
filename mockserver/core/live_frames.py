"""Cut a live upstream body into frames as it arrives: each frame's bytes and the event it is.

    upstream bytes ─► framer_for(content type, format).feed(bytes) ─► [LiveFrame(data, event)]
                                                      .flush() at the end of the body

    text/event-stream                     SSEFramer          one frame per event block
    application/x-ndjson (jsonl)          NDJSONFramer       one frame per line (Ollama)
    application/vnd.amazon.eventstream    EventStreamFramer  one frame per message (Bedrock)

An SSE body is cut after each event block (`sse.splitter.EventSplitter`, judged by our own
`SSEDecoder`); an NDJSON body after each line; an AWS event stream after each message (its
prelude gives the length, `EventStreamDecoder` judges the CRCs). A frame keeps the upstream's
exact bytes, so an event no fault touches goes on unchanged; `event` is None for bytes that
dispatch nothing (comments, keep-alives, blank lines, a message whose CRC fails), which are
passed on but never counted. `framing` names the framing the faults see (`Fault.framings`),
and `encode` writes a changed event back in it (the format's own encoder where the format
frames that way: Gemini's CRLF events). Bodies of other types get no framer: they pass
through as bytes, where the wire faults still act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from mockserver.core.answer import kind_of
from mockserver.core.events import Event
from mockserver.core.formats import FORMATS
from mockserver.core.formats.base import sse_bytes
from mockserver.core.formats.eventstream import (
    PRELUDE_LENGTH,
    EventStreamDecoder,
    EventStreamError,
    eventstream_bytes,
)
from mockserver.core.formats.lines import ndjson_bytes
from mockserver.sse.decoder import ServerSentEvent
from mockserver.sse.splitter import EventSplitter

__all__ = [
    "LiveFrame", "Framer", "SSEFramer", "NDJSONFramer", "EventStreamFramer", "framer_for",
]

#: a frame no framing holds back longer: past it, the bytes are passed on as they are
_MAX_FRAME = 1 << 20


@dataclass(slots=True)
class LiveFrame:
    """One frame of a live body: its bytes, and the event it carries (None: not an event)."""

    data: bytes
    event: Event | None = None


class Framer(Protocol):
    """Cuts a body into frames (`feed`, then `flush` at its end) and writes an event back in
    the same framing (`encode`, for the events a fault changed); `framing` is its name."""

    framing: str

    def feed(self, data: bytes) -> list[LiveFrame]: ...
    def flush(self) -> list[LiveFrame]: ...
    def encode(self, event: Event) -> bytes: ...


def _format_encoder(fmt: str, framing: str) -> Callable[[Event], bytes] | None:
    """The format's own encoder when the format frames its streams this way."""
    known = FORMATS.get(fmt)
    if known is not None and known.framing.name == framing:
        return known.framing.encode
    return None


class SSEFramer:
    """Server-sent events: one frame per event block."""

    framing = "sse"

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self._splitter = EventSplitter()
        self.encode: Callable[[Event], bytes] = _format_encoder(fmt, "sse") or sse_bytes

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


class NDJSONFramer:
    """Newline-delimited JSON: one frame per line; blank lines are not events."""

    framing = "ndjson"

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
        if len(self._rest) > _MAX_FRAME:  # a line without end in sight: passed on, uncounted
            out.append(LiveFrame(self._rest))
            self._rest = b""
        return out

    def flush(self) -> list[LiveFrame]:
        rest, self._rest = self._rest, b""
        return [self._frame(rest)] if rest else []

    def encode(self, event: Event) -> bytes:
        return ndjson_bytes(event)


class EventStreamFramer:
    """The AWS event stream (Bedrock): one frame per message, cut at the length its prelude
    gives. The event is the message's `:event-type` (an exception's `:exception-type`) with
    its payload as data. A message that fails its CRCs, or whose prelude promises an
    impossible length, is passed on as bytes (the client judges it), uncounted."""

    framing = "aws_eventstream"

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self._rest = b""

    def _frame(self, raw: bytes) -> LiveFrame:
        try:
            messages = EventStreamDecoder().decode(raw)
            headers, payload = messages[0].headers, messages[0].payload.decode("utf-8")
        except (EventStreamError, IndexError, UnicodeDecodeError, ValueError):
            return LiveFrame(raw)
        name = headers.get(":event-type") or headers.get(":exception-type")
        return LiveFrame(raw, Event(data=payload, event=name,
                                    kind=kind_of(self.fmt, name, payload)))

    def feed(self, data: bytes) -> list[LiveFrame]:
        buf, pos, out = self._rest + data, 0, []
        while len(buf) - pos >= PRELUDE_LENGTH:
            total = int.from_bytes(buf[pos : pos + 4], "big")
            if not PRELUDE_LENGTH + 4 <= total <= _MAX_FRAME:  # not a message: pass it all on
                out.append(LiveFrame(buf[pos:]))
                pos = len(buf)
                break
            if len(buf) - pos < total:
                break
            out.append(self._frame(buf[pos : pos + total]))
            pos += total
        self._rest = buf[pos:]
        return out

    def flush(self) -> list[LiveFrame]:
        rest, self._rest = self._rest, b""
        return [LiveFrame(rest)] if rest else []  # a message cut short: bytes, uncounted

    def encode(self, event: Event) -> bytes:
        return eventstream_bytes(event)


_FRAMERS: dict[str, Callable[[str], Framer]] = {
    "text/event-stream": SSEFramer,
    "application/x-ndjson": NDJSONFramer,
    "application/jsonl": NDJSONFramer,
    "application/json-lines": NDJSONFramer,
    "application/vnd.amazon.eventstream": EventStreamFramer,
}


def framer_for(content_type: str | None, fmt: str) -> Framer | None:
    """The framer for a body of this content type, or None to pass its bytes through."""
    make = _FRAMERS.get((content_type or "").split(";")[0].strip().lower())
    return make(fmt) if make is not None else None
