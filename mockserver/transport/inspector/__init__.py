"""The live inspector: the journal as server-sent events, and a page that draws each wire.

    app / ws_app ── feed.publish("start" | "end", entry) ──► JournalFeed (feed.py): a ring
         │                                                   of recent events, resumable ids
         └─ http_player.play(..., marks) while watched ──► entry.marks: when each op went out
    GET /_mock/events ─► stream.py: the feed as SSE (retry, id, Last-Event-ID, reset,
                         keep-alive), each end event with its timeline (timeline.py)
    GET /_mock/ui ─────► page.py: one self-contained HTML page (web/), live from the events
    --mockserver-report report.html ─► the same page, static, with the report's data built in

Same access rule as the rest of /_mock/ (transport/admin.py): off loopback the admin token,
which a browser's address bar and EventSource can only carry as `?token=`.
"""

__all__: list[str] = []
