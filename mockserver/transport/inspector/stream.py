"""GET /_mock/events: the journal feed as a server-sent event stream that resumes exactly.

    event: start | end                           one per request start and end
    id: 5f3a09c1-41                              every event has an id
    retry: 1000                                  in the first block only: reconnect after 1 s
    data: {"id": 17, "lane": ..., "faults": [...], "outcome": ..., "timeline": {...}}

    event: reset                                 (no id: the client's last id stays)
    data: {"reason": "fell out of the ring buffer", "missed": 12}

    : keep-alive                                 a comment line after `keepalive` idle seconds

Without `Last-Event-ID` (or `?last_event_id=` for clients that cannot set headers) the
stream starts with every buffered event, oldest first; with one it sends only what came
after it, or, when that is no longer in the ring (or comes from another server run), a
`reset` event and then the whole ring. `?lane=ID` (or the /lane/<id>/ prefix) keeps one
lane's events. Every line is encoded by `mockserver.sse` (the same framing the reference
decoder reads back), data is ASCII-only JSON, and every block holds data: a block of only
`retry:`, or a blank line after a comment, is an empty event to httpx-sse (which dispatches
on any blank line once an id was seen), so neither is ever sent. The stream ends cleanly
(chunked terminator) when the client leaves or the server shuts down (`JournalFeed.close`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from mockserver.sse import encode_event
from mockserver.transport.inspector.feed import FeedEvent, Gap, JournalFeed, snapshot_data
from mockserver.transport.inspector.timeline import received, timeline

__all__ = ["serve_events", "event_data", "RETRY_MS", "HEADERS", "KEEPALIVE"]

#: reconnection delay the stream asks EventSource for, in milliseconds
RETRY_MS = 1000
#: bytes per body message when a backlog is sent
_BATCH = 64 * 1024
#: a lone comment line: ignored by every parser, and no blank line for a lax one to dispatch
KEEPALIVE = b": keep-alive\n"

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # proxies such as nginx: do not buffer this stream
]


def event_data(event: FeedEvent) -> dict[str, Any]:
    """What an event carries: its snapshot, and for an end the timeline and the request body
    (from the journal entry; `evicted` when the journal dropped it since)."""
    data = snapshot_data(event.kind, event.snapshot)
    if event.kind == "end":
        entry = event.entry()
        if entry is None:
            data.update(timeline=None, received=None, evicted=True)
        else:
            data.update(timeline=timeline(entry.plan, entry.marks), received=received(entry.body))
    return data


class _Writer:
    """Encodes and sends blocks; the first one carries `retry:`. Every block has data, so a
    decoder that dispatches on any blank line after an `id` (httpx-sse) sees no empty event;
    keep-alives are lone comment lines for the same reason."""

    def __init__(self, send: Any, feed: JournalFeed) -> None:
        self.send, self.feed = send, feed
        self.retry: int | None = RETRY_MS

    def block(self, data: dict[str, Any], *, event: str, number: int | None = None) -> bytes:
        text = json.dumps(data, separators=(",", ":"))  # ASCII only: no surrogate breaks it
        event_id = self.feed.event_id(number) if number is not None else None
        encoded = encode_event(text, event=event, id=event_id, retry=self.retry)
        self.retry = None
        return encoded

    async def events(self, gap: Gap | None, events: list[FeedEvent]) -> None:
        """A reset (when there is a gap), then the events, in messages of about `_BATCH`."""
        batch: list[bytes] = []
        size = 0
        if gap is not None:
            batch.append(self.block({"reason": gap.reason, "missed": gap.missed}, event="reset"))
        for event in events:
            data = self.block(event_data(event), event=event.kind, number=event.number)
            batch.append(data)
            size += len(data)
            if size >= _BATCH:
                await self.body(b"".join(batch))
                batch, size = [], 0
                await asyncio.sleep(0)  # a long backlog: let the streams being played go on
        if batch:
            await self.body(b"".join(batch))

    async def body(self, data: bytes) -> None:
        await self.send({"type": "http.response.body", "body": data, "more_body": True})


async def _watch(receive: Any) -> None:
    """Return when the client goes away."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def serve_events(
    feed: JournalFeed, scope: dict[str, Any], receive: Any, send: Any, *,
    lane: str | None, last_id: str | None,
) -> None:
    """Stream the feed to one client until it leaves or the server shuts down."""
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    loop = asyncio.get_running_loop()
    gone = asyncio.ensure_future(_watch(receive))
    writer = _Writer(send, feed)
    try:
        with feed.watching():
            found = feed.replay(last_id, lane)
            await writer.events(found.gap, found.events)
            cursor, last_write = found.cursor, loop.time()
            while not feed.closed and not gone.done():
                idle = feed.keepalive - (loop.time() - last_write)
                if idle <= 0:
                    await writer.body(KEEPALIVE)
                    last_write = loop.time()
                    continue
                await feed.wait(idle, also=gone)
                if feed.last_number == cursor:
                    continue
                found = feed.after(cursor, lane)
                cursor = found.cursor
                if found.gap is not None or found.events:
                    await writer.events(found.gap, found.events)
                    last_write = loop.time()
        if not gone.done():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:  # the client went away mid-write (uvicorn's ClientDisconnected)
        pass
    finally:
        gone.cancel()
