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
    sanitize: bool = True,
) -> bytes:
    """Return the bytes of one event: optional `event:`, `id:`, `retry:` lines, one `data:`
    line per line of `data`, then a blank line. Non-ASCII is sent as raw UTF-8.

    With `sanitize` (the default), values that would break the framing are refused with
    ValueError: CR or LF in `event` or `id` (they would start a new line), NUL in `id` (every
    parser ignores such an id), a negative `retry`. Faults that break framing on purpose pass
    `sanitize=False` or write their own bytes.

    >>> encode_event('{"a":1}')
    b'data: {"a":1}\\n\\n'
    >>> encode_event("x", event="ping")
    b'event: ping\\ndata: x\\n\\n'
    """
    if event is None and id is None and retry is None and data is not None and eol == "\n":
        if "\n" not in data and "\r" not in data:  # the common case: one data line
            return b"data: " + data.encode("utf-8") + b"\n\n"
    elif sanitize:
        _check(event=event, id=id, retry=retry)
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


def _check(*, event: str | None, id: str | None, retry: int | None) -> None:
    for name, value in (("event", event), ("id", id)):
        if value is not None and ("\r" in value or "\n" in value):
            raise ValueError(f"SSE {name} {value!r} has a line break; it would split the event")
    if id is not None and "\0" in id:
        raise ValueError(f"SSE id {id!r} contains NUL; WHATWG parsers ignore such an id")
    if retry is not None and retry < 0:
        raise ValueError(f"SSE retry must be a non-negative integer, got {retry}")


def encode_comment(text: str = "", *, eol: str = "\n") -> bytes:
    """Return comment lines (`: text`, one per line of `text`) and a blank line; parsers ignore
    comments entirely, so this is the safe keep-alive."""
    if not text:
        return f":{eol}{eol}".encode()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return (eol.join(f": {line}" if line else ":" for line in lines) + eol + eol).encode("utf-8")
