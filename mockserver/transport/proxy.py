"""The upstream proxy (SPEC 10): forward what no scenario answers, fault it live, record it.

    MockApp ─► Forward(upstream, view, body, faults, seed) when no scenario answers
    Proxy.play(forward):
      a fault replaces the answer (status) ─► its plan; the upstream is not asked
      httpx (async, streaming) ─► unreachable: 502; no head within --upstream-timeout: 504,
                                  in the route's own error shape, naming the upstream
      a JSON body ─► read whole ─► compile_plan(draft=body) ─► http_player (faults as scripted)
      a stream whose faults need all of it (needs_whole_stream) ─► buffered, read back into
                  script fields (core/answer.py) ─► compile_plan(draft=events) ─► http_player
      any other stream ─► framer (SSE blocks, NDJSON lines; other types as bytes as they come)
                  ─► LiveStream (core/live.py) ─► LivePlayer, piece by piece as it arrives
      the upstream cuts its stream (or falls silent past the timeout) ─► passed on as a cut;
                  the journal says `upstream_closed`
      the client goes away ─► the upstream request is cancelled
      --record DIR ─► the Recorder gets the upstream's answer, timed

Without faults a stream is passed on read by read, exactly as it arrives: nothing waits for an
event to be complete. `httpx` is the client (the `proxy` extra), used through its one-method
transport seam (`AsyncHTTPTransport.handle_async_request`: a pooled connection, streaming,
no redirects or cookies, which a proxy must not follow or keep); this module is imported
only when `--upstream` is given.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx

from mockserver.core.answer import payload_of, read_stream
from mockserver.core.compile import acts_on, compile_plan
from mockserver.core.content import resolve
from mockserver.core.draft import Draft
from mockserver.core.formats import compile_error
from mockserver.core.live import LiveStream, replaced_answer
from mockserver.core.live_frames import Framer, LiveFrame, framer_for
from mockserver.core.plan import Close, Op, Start, WirePlan, Write
from mockserver.core.response import ErrorReply
from mockserver.transport.http_player import Played, play
from mockserver.transport.live_player import ClientGone, LivePlayer, until_disconnect
from mockserver.transport.recorder import Recorder, Recording
from mockserver.transport.state import JournalEntry, ServerConfig
from mockserver.transport.upstreams import (
    Forward,
    Upstream,
    parse_upstream,
    pick,
    request_headers,
    response_headers,
)

__all__ = ["Proxy", "Forward"]  # Forward lives in upstreams.py (no httpx needed to build one)

log = logging.getLogger("mockserver")
_JOURNAL_OPS = 2000  # ops of a live answer kept for the journal's transcript
_OUTCOMES = {"clean": "completed", "hold": "completed", "reset": "reset", "abrupt": "closed"}


class Proxy:
    """Owns the upstream connections (one pool per server loop) and plays forwarded
    requests."""

    def __init__(self, config: ServerConfig) -> None:
        self.upstreams = tuple(  # `Upstream`s, or the `--upstream` strings from Python
            u if isinstance(u, Upstream) else parse_upstream(str(u)) for u in config.upstreams)
        self.timeout = config.upstream_timeout
        self.timeouts = dict.fromkeys(("connect", "read", "write", "pool"), self.timeout)
        self.recorder = Recorder(config.record_dir) if config.record_dir else None
        self._transport: httpx.AsyncHTTPTransport | None = None
        self._urls: dict[str, httpx.URL] = {}  # parsed once: a URL parse is ~35 us of the hop

    def url(self, target: str) -> httpx.URL:
        parsed = self._urls.get(target)
        if parsed is None:
            if len(self._urls) >= 256:
                self._urls.clear()
            parsed = self._urls[target] = httpx.URL(target)
        return parsed

    def target(self, path: str) -> Upstream | None:
        return pick(self.upstreams, path)

    @property
    def transport(self) -> httpx.AsyncHTTPTransport:
        if self._transport is None:  # created in the server's loop, on first use
            self._transport = httpx.AsyncHTTPTransport(
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=200))
        return self._transport

    async def aclose(self) -> None:
        if self._transport is not None:
            transport, self._transport = self._transport, None
            await transport.aclose()

    async def play(self, fwd: Forward, scope: dict[str, Any], receive: Any, send: Any,
                   entry: JournalEntry) -> Played:
        url = entry.upstream = fwd.upstream.target(fwd.path, fwd.query)
        replaced = replaced_answer(fwd.view, fwd.view.api, fwd.faults, fwd.seed)
        if replaced is not None:
            return await self._play_plan(self.compile(fwd, replaced), scope, receive, send,
                                         entry)
        exchange = _Exchange(self, fwd, url, scope, send, entry)
        player = exchange.player
        plan, gone = await until_disconnect(exchange.run(), receive,
                                            ended=lambda: player.outcome is not None,
                                            dropped=lambda: player.dropped)
        if plan is not None:
            return await self._play_plan(plan, scope, receive, send, entry)
        exchange.journal("client_disconnected" if gone or exchange.player.outcome is None
                         else None)
        return Played(entry.outcome, exchange.player.sent)

    def compile(self, fwd: Forward, draft: Draft, *, faults: bool = True) -> WirePlan:
        """A whole answer (a JSON body, a buffered stream, an error) as a plan, faults applied
        as to a script, `x-mock-fault` naming them."""
        chosen = fwd.faults if faults else []
        plan = compile_plan(fwd.view, draft=draft, seed=fwd.seed, faults=chosen,
                            origin=fwd.origin, scenario=fwd.scenario)
        if chosen and plan.start is not None:
            ops = [op if not isinstance(op, Start) else Start(
                op.status, (*op.headers, ("x-mock-fault", "; ".join(plan.faults))))
                for op in plan.ops]
            plan = WirePlan(ops=tuple(ops), scenario=plan.scenario, faults=plan.faults,
                            streaming=plan.streaming)
        return plan

    async def _play_plan(self, plan: WirePlan, scope: dict[str, Any], receive: Any, send: Any,
                         entry: JournalEntry) -> Played:
        entry.plan, entry.status = plan, plan.status

        def note(outcome: str, sent: int) -> None:
            entry.outcome, entry.bytes_sent = outcome, sent

        return await play(plan, scope, receive, send, note, entry.marks)

    def error(self, fwd: Forward, status: int, message: str, code: str) -> WirePlan:
        """502/504 in the route's own error shape."""
        reply = ErrorReply(status=status, type="upstream_error", message=message, code=code)
        return self.compile(fwd, compile_error(reply, fwd.view, fwd.seed), faults=False)


class _Exchange:
    """One forwarded request: the upstream call and, for a live stream, its playing."""

    def __init__(self, proxy: Proxy, fwd: Forward, url: str, scope: dict[str, Any], send: Any,
                 entry: JournalEntry) -> None:
        self.proxy, self.fwd, self.url, self.entry = proxy, fwd, url, entry
        self.player = LivePlayer(scope, send, entry.marks)
        self.ops: list[Op] = []
        self.status: int | None = None
        self.cut = False  # the upstream cut its own stream (or fell silent mid-stream)
        self.recording: Recording | None = None

    def journal(self, outcome: str | None, pending: int = 0) -> None:
        """Bring the journal entry up to date (`pending`: bytes about to be written)."""
        entry = self.entry
        entry.status, entry.bytes_sent = self.status, self.player.sent + pending
        entry.plan = WirePlan(ops=tuple(self.ops), scenario=self.fwd.scenario,
                              faults=tuple(f.spec() for f in self.fwd.faults), streaming=True)
        if outcome is not None:
            entry.outcome = outcome

    async def _play(self, ops: list[Op]) -> None:
        if len(self.ops) < _JOURNAL_OPS:
            self.ops += ops[: _JOURNAL_OPS - len(self.ops)]
        close = next((op for op in ops if isinstance(op, Close)), None)
        if close is not None:  # the journal is up to date before the client sees the end
            pending = sum(len(op.data) for op in ops if isinstance(op, Write))
            self.journal(_OUTCOMES.get(close.mode, "closed") if not (
                self.cut and close.mode == "abrupt") else "upstream_closed", pending)
        await self.player.play(ops)

    async def run(self) -> WirePlan | None:
        """Ask the upstream; returns the plan to play when the answer is not a live stream."""
        fwd, proxy = self.fwd, self.proxy
        request = httpx.Request(fwd.method, proxy.url(self.url),
                                headers=request_headers(fwd.headers),
                                content=fwd.body, extensions={"timeout": proxy.timeouts})
        if proxy.recorder is not None and fwd.known_route:  # a route a replay can answer
            self.recording = proxy.recorder.begin(fwd, self.url)
        try:
            response = await proxy.transport.handle_async_request(request)
        except httpx.TimeoutException:
            return proxy.error(fwd, 504, f"The upstream {self.url} did not answer within "
                               f"{proxy.timeout:g} s (--upstream-timeout).", "upstream_timeout")
        except httpx.HTTPError as exc:
            return proxy.error(fwd, 502, f"mockserver could not reach the upstream {self.url}: "
                               f"{exc or type(exc).__name__}", "upstream_unreachable")
        try:
            return await self._answer(response)
        except ClientGone:
            self.player.outcome = "client_disconnected"
            self._left()
            return None
        except asyncio.CancelledError:  # the client went away (until_disconnect)
            self._left()
            raise
        finally:
            await response.aclose()

    def _left(self) -> None:
        """The client left before the end: record what arrived if the answer had ended."""
        if self.recording is not None and self.recording.ended:
            self.recording.finish(cut=False, complete=True)
            self.recording = None

    async def _answer(self, response: httpx.Response) -> WirePlan | None:
        fwd = self.fwd
        headers = response_headers(response.headers.multi_items())
        content_type = response.headers.get("content-type", "")
        framer = framer_for(content_type, fwd.view.api)
        if self.recording is not None:
            self.recording.head(response.status_code, response.headers.multi_items(),
                                content_type)
        head = Draft(response.status_code, headers, events=(), fmt=fwd.view.api,
                     model=fwd.view.model or "")
        if framer is None and ("json" in content_type or "content-length" in response.headers):
            try:
                body = await response.aread()
            except httpx.HTTPError as exc:  # cut or silent before its body was complete
                return self.proxy.error(fwd, 502, f"The upstream {self.url} did not send its "
                                        f"whole answer: {exc!r}", "upstream_cut")
            if self.recording is not None:
                self.recording.body(body)
            head.events, head.body = None, body
            return self.proxy.compile(fwd, head)
        if framer is not None and fwd.known_route and any(  # only faults that act here
                f.needs_whole_stream() and acts_on(f, framer.framing) for f in fwd.faults):
            return await self._buffered(response, head, framer)
        await self._live(response, head, framer if fwd.faults else None)
        return None

    async def _chunks(self, response: httpx.Response, on_chunk: Callable[[bytes], Any]
                      ) -> None:
        """Read the upstream body; a cut or a silence past the timeout sets `cut`."""
        loop = asyncio.get_running_loop()
        try:
            async for chunk in response.aiter_bytes():
                if self.recording is not None:
                    self.recording.chunk(chunk, loop.time())
                if await on_chunk(chunk):
                    return
        except httpx.TimeoutException:
            self.cut, self.entry.error = True, (
                f"the upstream fell silent for {self.proxy.timeout:g} s mid-stream")
        except httpx.HTTPError as exc:
            self.cut, self.entry.error = True, f"the upstream cut its stream: {exc!r}"

    async def _live(self, response: httpx.Response, head: Draft, framer: Framer | None) -> None:
        """Play the stream as it arrives. Without a framer (no faults, or a body type we do
        not frame) every read is passed on as it came."""
        stream = LiveStream(self.fwd.view, head, faults=self.fwd.faults, seed=self.fwd.seed,
                            origin=self.fwd.origin,
                            encode=framer.encode if framer is not None else None,
                            framing=framer.framing if framer is not None else None)
        start = stream.start()
        self.status = next((op.status for op in start if isinstance(op, Start)), None)
        await self._play(start)

        async def each(chunk: bytes) -> bool:
            frames = framer.feed(chunk) if framer is not None else [LiveFrame(chunk)]
            await self._play(stream.feed(frames))
            return stream.stopped

        if not stream.stopped:
            await self._chunks(response, each)
        if not stream.stopped and framer is not None:
            await self._play(stream.feed(framer.flush()))
        self._finish(stream.stopped)
        await self._play(stream.finish(cut=self.cut))

    async def _buffered(self, response: httpx.Response, head: Draft, framer: Framer
                        ) -> WirePlan:
        """The faults need the whole answer: read it all, then compile it like a script."""
        frames: list[LiveFrame] = []

        async def each(chunk: bytes) -> bool:
            frames.extend(framer.feed(chunk))
            return False

        await self._chunks(response, each)
        frames += framer.flush()
        self._finish(False)
        events = [f.event for f in frames if f.event is not None]
        script = read_stream(self.fwd.view.api, events)
        head.content = resolve(script, self.fwd.view, self.fwd.seed)
        head.events = events
        named = (payload_of(e.data) for e in events)  # the upstream's own model name
        head.model = next((p["model"] for p in named if isinstance(p, dict)
                           and isinstance(p.get("model"), str)), head.model)
        plan = self.proxy.compile(self.fwd, head)
        if self.cut and plan.close.mode == "clean":  # pass the upstream's cut on
            plan = WirePlan(ops=(*tuple(plan.ops)[:-1], Close("abrupt")), scenario=plan.scenario,
                            faults=plan.faults, streaming=True)
        return plan

    def _finish(self, stopped_early: bool) -> None:
        if self.recording is not None:
            self.recording.finish(cut=self.cut, complete=not stopped_early)
            self.recording = None

