"""Encode server-sent events to bytes, exactly as the WHATWG event-stream format reads them.

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

`encode_event` is the one place that writes `data:`/`event:`/`id:`/`retry:` lines, so every
stream the server sends (and every fault that rewrites one) goes through the same framing.
The decoder in `mockserver.sse.decoder` is its oracle: `decode(encode(x)) == x`.
"""

from __future__ import annotations

__all__ = ["encode_event", "encode_comment", "DONE"]

DONE = "[DONE]"


def encode_event(
    data: str | None = None,
    *,
    event: str | None = None,
    id: str | None = None,
    retry: int | None = None,
    eol: str = "\n",
) -> bytes:
    """Return the bytes of one event: optional `event:`, `id:`, `retry:` lines, one `data:`
    line per line of `data`, then a blank line. Non-ASCII is sent as raw UTF-8.

    >>> encode_event('{"a":1}')
    b'data: {"a":1}\\n\\n'
    >>> encode_event("x", event="ping")
    b'event: ping\\ndata: x\\n\\n'
    """
    lines: list[str] = []
    if event is not None:
        lines.append(f"event: {event}")
    if id is not None:
        lines.append(f"id: {id}")
    if retry is not None:
        lines.append(f"retry: {retry}")
    if data is not None:
        # WHATWG: the data buffer is split on LF when read back, so each line becomes one field.
        for part in data.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            lines.append(f"data: {part}")
    return (eol.join(lines) + eol + eol).encode("utf-8")


def encode_comment(text: str = "", *, eol: str = "\n") -> bytes:
    """Return a comment line (`: text`) followed by a blank line; parsers ignore it entirely."""
    return f": {text}{eol}{eol}".encode() if text else f":{eol}{eol}".encode()
