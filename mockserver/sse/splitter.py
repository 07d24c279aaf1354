"""Cut an event stream into its raw blocks as it arrives, each with the event it dispatches.

A proxy that changes one event must pass every other one on byte for byte (comments, `id:`
lines, CRLF endings and all), so it needs the bytes of each event, not only its decoded value.
`EventSplitter` cuts the body after each blank line (the end of an event block, WHATWG 9.2.6)
and hands each block to an `SSEDecoder`, which stays the judge of what the block means: the
block's bytes come with the event it dispatched, or None (a comment, a `retry:`-only block, a
keep-alive). Joined, the blocks are exactly the input; their events are exactly what the
decoder alone would give for the whole body.

Memory stays bounded: bytes that have not ended a block after `max_block` (1 MiB) are passed
on as they are, as a block that dispatched nothing so far (the decoder keeps its place, so
the event still dispatches, with the block that ends it).

    >>> s = EventSplitter()
    >>> s.feed(b": hi\\n\\ndata: 1\\n")
    [(b': hi\\n\\n', None)]
    >>> s.feed(b"\\ndata: 2")
    [(b'data: 1\\n\\n', ServerSentEvent(event='message', data='1', id='', retry=None))]
    >>> s.flush()
    [(b'data: 2', None)]
"""

from __future__ import annotations

import re

from mockserver.sse.decoder import ServerSentEvent, SSEDecoder

__all__ = ["EventSplitter"]

# A line terminator followed by another one: the blank line that ends a block. A CR counts as
# a terminator on its own only when no LF follows it (CRLF is one terminator, R2); a CR at
# the very end of what arrived so far ends a line at once, as the decoder treats it.
_BLANK_LINE = re.compile(rb"(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r|\n)")


class EventSplitter:
    """Incremental: `feed(bytes)` returns the blocks completed so far, `flush()` the rest."""

    def __init__(self, max_block: int = 1 << 20) -> None:
        self._decoder = SSEDecoder()
        self._buffer = b""
        self._scanned = 0  # where the next search for a blank line may start
        self.max_block = max_block

    def feed(self, data: bytes) -> list[tuple[bytes, ServerSentEvent | None]]:
        buffer = self._buffer + data if self._buffer else data
        out: list[tuple[bytes, ServerSentEvent | None]] = []
        start, pos = 0, max(0, self._scanned - 2)
        while True:
            found = _BLANK_LINE.search(buffer, pos)
            if found is None:
                break
            # A blank line ending in a CR ends the block at once, even when the CR is the last
            # byte so far: a LF that follows is its other half, and the decoder skips it at
            # the start of the next block.
            end = found.end()
            out.append(self._block(buffer[start:end]))
            start = pos = end
        self._buffer = buffer[start:]
        if len(self._buffer) > self.max_block:  # no blank line in sight: pass it on as it is
            out.append(self._block(self._buffer[:-2]))
            self._buffer = self._buffer[-2:]  # a CR/LF pair may still span the cut
        self._scanned = len(self._buffer)
        return out

    def flush(self) -> list[tuple[bytes, ServerSentEvent | None]]:
        """The end of the body: an unfinished block is passed on, dispatching nothing (R13)."""
        rest, self._buffer, self._scanned = self._buffer, b"", 0
        self._decoder.flush()
        return [(rest, None)] if rest else []

    def _block(self, raw: bytes) -> tuple[bytes, ServerSentEvent | None]:
        events = self._decoder.decode(raw)
        return raw, (events[-1] if events else None)
