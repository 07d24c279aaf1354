"""The AWS event stream: the binary framing of Bedrock's streaming answers.

One message on the wire (big-endian; botocore/eventstream.py is the parser we are checked
against, tests/formats/test_bedrock_eventstream.py):

    ┌ prelude ─────────────────────────────┐
    │ total length (u32)                   │ the whole message, prelude and CRCs included
    │ headers length (u32)                 │
    ├──────────────────────────────────────┤
    │ prelude CRC32 (u32)                  │ CRC32 of the 8 bytes above
    ├──────────────────────────────────────┤
    │ headers: name length (u8), name,     │ value type 7 (string): u16 length, UTF-8 bytes
    │          value type (u8), value ...  │
    │ payload                              │ the JSON of the event
    │ message CRC32 (u32)                  │ CRC32 of everything before it
    └──────────────────────────────────────┘

Events carry `:event-type` (the member of the stream union: `contentBlockDelta`, `chunk`...),
`:content-type: application/json` and `:message-type: event`; an exception carries
`:exception-type` (`throttlingException`...) and `:message-type: exception` instead, and the
client raises it. `encode_message` writes one message, `eventstream_bytes` one `Event` (an
event whose name ends in `Exception` is an exception), `EventStreamDecoder` reads them back
incrementally (`decode()` / `flush()`, like the SSE decoder).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from mockserver.core.events import Event
from mockserver.core.formats.base import Framing

__all__ = [
    "encode_message", "eventstream_bytes", "EventStreamMessage", "EventStreamDecoder",
    "EventStreamError", "AWS_EVENTSTREAM", "EVENTSTREAM_LAYERS", "PRELUDE_LENGTH",
    "is_exception",
]

PRELUDE_LENGTH = 12  # total length, headers length, prelude CRC
_STRING = 7  # header value type: UTF-8 string with a u16 length
#: what a Bedrock stream's frames can be changed by: framing-level faults of the SSE layer that
#: also act on event streams (split, coalesce, malformed_json, ...), the event stream's own,
#: and the transport's
EVENTSTREAM_LAYERS = frozenset({"sse", "eventstream", "http", "tcp", "cors"})


def _crc(data: bytes, start: int = 0) -> int:
    return zlib.crc32(data, start) & 0xFFFFFFFF


def encode_message(headers: Sequence[tuple[str, str]], payload: bytes) -> bytes:
    """One event-stream message with string headers, in the order given."""
    head = b"".join(
        struct.pack("!B", len(name.encode())) + name.encode()
        + struct.pack("!BH", _STRING, len(value.encode())) + value.encode()
        for name, value in headers
    )
    total = PRELUDE_LENGTH + len(head) + len(payload) + 4
    prelude = struct.pack("!II", total, len(head))
    message = prelude + struct.pack("!I", _crc(prelude)) + head + payload
    return message + struct.pack("!I", _crc(message))


def is_exception(event: Event) -> bool:
    """An exception message (`throttlingException`, ...) rather than an event."""
    return (event.event or "").endswith("Exception")


def eventstream_bytes(event: Event) -> bytes:
    """One `Event` as a message: its name is the `:event-type` (or `:exception-type`), its
    data the JSON payload."""
    name = event.event or "chunk"
    if is_exception(event):
        headers = ((":exception-type", name), (":content-type", "application/json"),
                   (":message-type", "exception"))
    else:
        headers = ((":event-type", name), (":content-type", "application/json"),
                   (":message-type", "event"))
    return encode_message(headers, (event.data or "").encode())


AWS_EVENTSTREAM = Framing("aws_eventstream", "application/vnd.amazon.eventstream",
                          eventstream_bytes)


class EventStreamError(ValueError):
    """The bytes are not a valid event stream (a CRC mismatch, an impossible length...)."""


@dataclass(frozen=True)
class EventStreamMessage:
    headers: dict[str, str]
    payload: bytes


def _headers(data: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        size = data[pos]
        name = data[pos + 1 : pos + 1 + size].decode()
        pos += 1 + size
        if data[pos] != _STRING:
            raise EventStreamError(f"header {name!r}: value type {data[pos]} is not a string")
        (length,) = struct.unpack("!H", data[pos + 1 : pos + 3])
        headers[name] = data[pos + 3 : pos + 3 + length].decode()
        pos += 3 + length
    return headers


class EventStreamDecoder:
    """Incremental decoder: feed bytes as they arrive, get the complete messages.

    `decode(data)` returns the messages completed by `data`; `flush()` returns the bytes of an
    incomplete message left at the end (empty for a whole stream). A CRC mismatch raises
    `EventStreamError`, as botocore raises `ChecksumMismatch`."""

    def __init__(self) -> None:
        self._buffer = b""

    def decode(self, data: bytes) -> list[EventStreamMessage]:
        self._buffer += data
        out: list[EventStreamMessage] = []
        while len(self._buffer) >= PRELUDE_LENGTH:
            total, head_length, prelude_crc = struct.unpack("!III", self._buffer[:12])
            if _crc(self._buffer[:8]) != prelude_crc:
                raise EventStreamError("prelude CRC mismatch")
            if total < PRELUDE_LENGTH + head_length + 4:
                raise EventStreamError(f"impossible lengths: total {total}, headers {head_length}")
            if len(self._buffer) < total:
                break
            message, self._buffer = self._buffer[:total], self._buffer[total:]
            (message_crc,) = struct.unpack("!I", message[-4:])
            if _crc(message[:-4]) != message_crc:
                raise EventStreamError("message CRC mismatch")
            head_end = PRELUDE_LENGTH + head_length
            out.append(EventStreamMessage(_headers(message[PRELUDE_LENGTH:head_end]),
                                          message[head_end:-4]))
        return out

    def flush(self) -> bytes:
        """The bytes of a message cut short at the end of the stream (then forgotten)."""
        left, self._buffer = self._buffer, b""
        return left
