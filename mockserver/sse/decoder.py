"""A WHATWG-exact incremental server-sent events decoder: the oracle for everything we ship.

Implements HTML Living Standard, "Server-sent events", section 9.2.6 "Interpreting an event
stream" (and the UTF-8 decode step of 9.2.5 "Parsing an event stream"):
https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

Shaped like HTTPX's ``LineDecoder`` and httpx-sse's ``SSEDecoder`` (bytes in, events out, plus
``flush()`` at end of stream), but unlike them it follows every rule of
``reference/failure-modes.md`` section 1 (R1-R14):

- R1  bytes go through an incremental UTF-8 decoder (invalid sequences become U+FFFD, split
      multi-byte characters decode correctly); exactly one BOM is removed, only at offset 0,
      even when its three bytes arrive in three reads.
- R2  CR, LF and CRLF end lines; a CR at the end of one read and an LF at the start of the next
      are one terminator, and a CR-terminated line is processed at once (no waiting for an LF).
- R3-R11 blank line dispatches, ``:`` starts a comment, one leading space is removed from the
      value, field names are case-sensitive, ``id`` with NUL is ignored, ``retry`` takes ASCII
      digits only.
- R12 a dispatch with an empty data buffer produces no event; the last-event-ID buffer
      survives dispatch.
- R13 an event without its terminating blank line is discarded at end of stream.
- R14 NUL is kept in data; U+2028, U+2029, NEL, VT and FF are ordinary characters.

The work is linear in the input: each read is scanned once and a partial line is kept as a
list of fragments joined only when its terminator arrives.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["SSEDecoder", "ServerSentEvent", "decode_all"]

# R2/R14: only CR, LF and CRLF end a line (never str.splitlines(), which also splits on
# U+2028, U+2029, NEL, VT, FF, FS, GS, RS).
_EOL = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event, as an ``EventSource`` would hand it to ``onmessage``.

    ``id`` is the last event ID in effect when the event was dispatched ("" if none was set) and
    ``retry`` the reconnection time in milliseconds in effect (``None`` if never set), the same
    four attributes as httpx-sse's ``ServerSentEvent``.
    """

    event: str = "message"
    data: str = ""
    id: str = ""
    retry: int | None = None

    def json(self) -> Any:
        """Return ``data`` parsed as JSON (raises ``json.JSONDecodeError`` like httpx-sse)."""
        return json.loads(self.data)


class SSEDecoder:
    """Incremental decoder: feed raw body bytes to ``decode()``, call ``flush()`` at EOF.

    >>> d = SSEDecoder()
    >>> d.decode(b"\\xef\\xbb")
    []
    >>> d.decode(b"\\xbfdata: hi\\r")
    []
    >>> d.decode(b"\\r")
    [ServerSentEvent(event='message', data='hi', id='', retry=None)]
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._at_start = True  # no character decoded yet: a U+FEFF now is the stream's BOM
        self._skip_lf = False  # the previous read ended in CR: a leading LF belongs to it
        self._line: list[str] = []  # fragments of the current, unterminated line
        self._data: list[str] = []  # data buffer, one item per `data` field (R8)
        self._event = ""  # event type buffer (R9)
        self._last_event_id = ""  # last event ID buffer, not cleared by dispatch (R10)
        self._retry: int | None = None  # reconnection time (R11)

    @property
    def last_event_id(self) -> str:
        """The last-event-ID buffer: what a reconnecting client sends as ``Last-Event-ID``."""
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds set by the stream, or ``None``."""
        return self._retry

    def decode(self, data: bytes) -> list[ServerSentEvent]:
        """Consume one read of the body and return the events it completed, in order."""
        text = self._utf8.decode(data)
        if not text:
            return []  # nothing decoded yet (e.g. half a multi-byte character)
        if self._at_start:
            self._at_start = False
            if text[0] == _BOM:  # R1: exactly one BOM, only at stream offset 0
                text = text[1:]
        if self._skip_lf:
            self._skip_lf = False
            if text.startswith("\n"):  # R2: CR | LF split across reads is one terminator
                text = text[1:]
        events: list[ServerSentEvent] = []
        start = 0
        line_parts = self._line
        for match in _EOL.finditer(text):
            end = match.start()
            if line_parts:
                line_parts.append(text[start:end])
                line = "".join(line_parts)
                line_parts.clear()
            else:
                line = text[start:end]
            start = match.end()
            if start == len(text) and text[end] == "\r" and start - end == 1:
                self._skip_lf = True
            event = self._process_line(line)
            if event is not None:
                events.append(event)
        if start < len(text):
            line_parts.append(text[start:])
        return events

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: discard the pending line and event (R13) and reset for a new stream.

        Always returns ``[]``: an event is dispatched only by its blank line, never by EOF. The
        method exists so callers can treat this decoder like HTTPX's decoders.
        """
        self._reset()
        return []

    def _process_line(self, line: str) -> ServerSentEvent | None:
        if not line:  # R3: blank line dispatches
            return self._dispatch()
        if line[0] == ":":  # R4: comment
            return None
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):  # R5: remove exactly one leading space
            value = value[1:]
        # R6: no colon -> the whole line is the field name and the value is "".
        if field == "data":  # R7: names are case-sensitive; unknown fields are ignored
            self._data.append(value)  # R8
        elif field == "event":
            self._event = value  # R9
        elif field == "id":
            if "\0" not in value:  # R10
                self._last_event_id = value
        elif field == "retry":
            if value.isascii() and value.isdigit():  # R11: ASCII digits only
                self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        # R12: (b) an empty data buffer dispatches nothing, but still clears the buffers.
        if not self._data:
            self._event = ""
            return None
        # (c) the trailing LF is never added: joining with LF is "append LF, strip one".
        event = ServerSentEvent(
            event=self._event or "message",
            data="\n".join(self._data),
            id=self._last_event_id,
            retry=self._retry,
        )
        self._data = []
        self._event = ""
        return event


def decode_all(chunks: Iterable[bytes]) -> list[ServerSentEvent]:
    """Decode a whole body given as its reads (any split), including the end-of-stream step."""
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.decode(chunk))
    events.extend(decoder.flush())
    return events
