"""Quarantine for reaches into uvicorn's private API (the only module that does this).

The players need the connection's asyncio transport to do what ASGI cannot express: close
without the chunked terminator, send a TCP RST, write raw bytes. uvicorn builds the ASGI scope
inside its protocol classes, so we subclass them and wrap the per-connection app to add the
transport under `scope["extensions"]["mockserver.transport"]`. Pinned behaviour is tested in
tests/transport and tests/ws; if uvicorn changes these classes, only this file needs to follow.

    HTTP       http_protocol_class("httptools" | "h11"), transport_of, drain (flow
               control), flush (write buffer); HeaderTimeoutMixin (slowloris: a connection
               without complete request headers within `header_timeout` is closed), mixed
               into both HTTP protocol classes
    WebSocket  ws_protocol (the `ws=` factory), and the frame powers ASGI lacks, through
               uvicorn's sans-I/O websockets protocol (`transport.get_protocol().conn`, a
               `websockets` ServerProtocol, so the protocol's own state stays consistent):
               a message split into frames (send_fragments), a close frame without a code
               (close_without_code, 1005), the end without a close frame (drop, 1006),
               silence to pings (ignore_pings), direct text frames (text_writer); a text
               message that is not UTF-8 closes with 1007 and one log line (uvicorn logs a
               traceback per message)

Both HTTP implementations get the same subclass (`http_protocol_class`): each keeps its
asyncio transport and its `FlowControl` as `self.transport` / `self.flow`, and writes the
chunked terminator on the final empty body message, so the players' direct chunk writes,
aborts and resets behave alike on both (and on uvloop's transports, whose `socket` extra
takes `setsockopt`); both share `on_response_complete`, `self.cycle`, `self.loop` and
`self.config`, all that `HeaderTimeoutMixin` needs. Each class is built on first use: a
server on httptools never imports h11, and the other way round.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import struct
from collections.abc import Callable
from typing import Any

__all__ = [
    "HeaderTimeoutMixin", "http_protocol_class", "ws_protocol", "ws_protocol_class",
    "TRANSPORT_KEY", "transport_of",
    "bound_port",
    "drain",
    "flush",
    "sans_io_of", "ignore_pings", "send_fragments", "close_without_code", "drop", "text_writer",
    "text_frame",
]

TRANSPORT_KEY = "mockserver.transport"

log = logging.getLogger("mockserver")


def _wrap(app: Any, transport: asyncio.BaseTransport) -> Any:
    async def with_transport(scope: dict[str, Any], receive: Any, send: Any) -> None:
        extensions = scope.setdefault("extensions", {})
        if extensions is None:
            extensions = scope["extensions"] = {}
        extensions[TRANSPORT_KEY] = transport
        await app(scope, receive, send)

    return with_transport


class HeaderTimeoutMixin:
    """Close a connection that has not sent complete request headers within
    `config.header_timeout` seconds (slowloris), on a new connection and between requests
    of a keep-alive one. Mixed into every uvicorn HTTP protocol class (h11 and httptools):
    it relies only on what both share, `connection_made` / `connection_lost`,
    `on_response_complete`, `self.cycle` (a request in progress once its headers are
    complete), `self.transport`, `self.loop` and `self.config`. A connection upgraded to a
    WebSocket belongs to another protocol by then, and is left alone.
    """

    _header_timer: asyncio.TimerHandle | None = None
    cycle: Any
    config: Any
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport

    def _arm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        seconds = getattr(self.config, "header_timeout", None)
        self._header_timer = self.loop.call_later(seconds, self._header_timeout) if seconds \
            else None

    def _header_timeout(self) -> None:
        self._header_timer = None
        transport = self.transport
        protocol: Any = transport.get_protocol()
        if transport.is_closing() or protocol is not self:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # headers complete: a request is being answered
        if getattr(self.config, "log_requests", False):
            peer = transport.get_extra_info("peername")
            log.info("closed %s: no complete request headers within %ss (header timeout)",
                     f"{peer[0]}:{peer[1]}" if peer else "a connection",
                     self.config.header_timeout)
        transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm_header_timer()  # the next request's headers get the same time

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)  # type: ignore[misc]


@functools.cache
def http_protocol_class(http: str) -> type[asyncio.Protocol]:
    """uvicorn's `httptools` or `h11` protocol, exposing the transport to the app through the
    scope, with the header timeout of `HeaderTimeoutMixin` (what uvicorn's `http=` is
    given)."""
    base: type[Any]
    if http == "httptools":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    elif http == "h11":
        from uvicorn.protocols.http.h11_impl import H11Protocol as base
    else:
        raise ValueError(f"unknown HTTP implementation {http!r}")

    class TransportProtocol(HeaderTimeoutMixin, base):  # type: ignore[misc]
        app: Any

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self.app = _wrap(self.app, transport)

    TransportProtocol.__name__ = TransportProtocol.__qualname__ = f"Transport{base.__name__}"
    return TransportProtocol


@functools.cache
def ws_protocol_class() -> type[Any]:
    """uvicorn's sans-I/O websockets protocol, exposing the transport the same way. Built on
    first use, so a server that never upgrades a connection never imports `websockets`."""
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    class TransportWSProtocol(WebSocketsSansIOProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self.app = _wrap(self.app, transport)

        def send_receive_event_to_app(self) -> None:
            """uvicorn's, except that a text message that is not UTF-8 closes with 1007 and a
            reason after one log line (uvicorn logs a traceback for each)."""
            if self.curr_msg_data_type != "text" or self.close_sent:
                super().send_receive_event_to_app()
                return
            data = self.frames[0] if len(self.frames) == 1 else b"".join(self.frames)
            self.frames = []
            try:
                text = data.decode()
            except UnicodeDecodeError as exc:
                if getattr(self.config, "log_requests", False):
                    log.info("WebSocket %s: closed 1007, a text message is not UTF-8 (byte %d)",
                             self.scope.get("path", "?"), exc.start)
                self.conn.send_close(1007, "invalid UTF-8 in a text message")
                self.handle_parser_exception()
                return
            self.queue.put_nowait({"type": "websocket.receive", "text": text})  # type: ignore[arg-type]
            if not self.read_paused:
                self.read_paused = True
                self.transport.pause_reading()

    return TransportWSProtocol


def ws_protocol(**kwargs: Any) -> Any:
    """What uvicorn's `ws=` is given: it is called with the protocol's keyword arguments on
    each upgrade (uvicorn only calls `ws_protocol_class(...)`)."""
    return ws_protocol_class()(**kwargs)


def __getattr__(name: str) -> Any:
    if name == "TransportWSProtocol":
        return ws_protocol_class()
    if name == "TransportH11Protocol":
        return http_protocol_class("h11")
    if name == "TransportHttpToolsProtocol":
        return http_protocol_class("httptools")
    raise AttributeError(name)


def transport_of(scope: dict[str, Any]) -> asyncio.Transport | None:
    extensions = scope.get("extensions") or {}
    transport: asyncio.Transport | None = extensions.get(TRANSPORT_KEY)
    return transport


def bound_port(server: Any) -> int:
    """The port a started `uvicorn.Server` listens on (port 0 resolved)."""
    for srv in getattr(server, "servers", []):
        for sock in srv.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("uvicorn server has no listening socket")


async def drain(transport: asyncio.Transport) -> None:
    """Wait until the transport may be written again (the client is reading). Uses uvicorn's
    flow control when the protocol has one (woken by `resume_writing`), else polls."""
    flow = getattr(transport.get_protocol(), "flow", None)
    if flow is not None and getattr(flow, "write_paused", False):
        await flow.drain()
        return
    while transport.get_write_buffer_size() > 16 * 1024 and not transport.is_closing():
        await asyncio.sleep(0.001)


async def flush(transport: asyncio.Transport, *, limit: float = 1.0) -> None:
    """Wait (at most `limit` seconds) until everything written has left the transport's buffer,
    so a close or reset right after does not cut bytes the plan sent before it."""
    for _ in range(int(limit / 0.005)):
        if transport.get_write_buffer_size() == 0:
            return
        await asyncio.sleep(0.005)


# -- WebSocket: the frame-level powers ASGI does not have ------------------------------------

def sans_io_of(scope: dict[str, Any]) -> tuple[Any, Any]:
    """(uvicorn protocol, its websockets `ServerProtocol`) of this connection."""
    transport = transport_of(scope)
    if transport is None:
        raise RuntimeError("mockserver: no transport in scope (server not started with "
                           "mockserver.transport._internals.ws_protocol)")
    proto = transport.get_protocol()
    conn = getattr(proto, "conn", None)
    if conn is None:
        raise RuntimeError(f"mockserver: {type(proto).__name__} is not uvicorn's sans-I/O "
                           "websockets protocol (use ws=ws_protocol)")
    return proto, conn


def ignore_pings(scope: dict[str, Any]) -> None:
    """From now on, pings from the client get no pong (the pong frame is never queued)."""
    _, conn = sans_io_of(scope)
    original = conn.send_frame

    from websockets.frames import Opcode  # imported on first use: websockets stays lazy

    def send_frame(frame: Any) -> None:
        if frame.opcode is not Opcode.PONG:
            original(frame)

    conn.send_frame = send_frame


async def send_fragments(scope: dict[str, Any], data: str | bytes, pieces: int, ping: bool) -> None:
    """Send one message as `pieces` frames; a ping between the first two when `ping`."""
    proto, conn = sans_io_of(scope)
    await proto.writable.wait()
    if proto.disconnected or proto.close_sent:
        raise ConnectionError("mockserver: client already gone")
    payload = data.encode() if isinstance(data, str) else data
    size = max(1, -(-len(payload) // pieces))
    parts = [payload[i : i + size] for i in range(0, len(payload), size)] or [b""]
    while len(parts) < pieces:
        parts.append(b"")
    first, rest = parts[0], parts[1:]
    if isinstance(data, str):
        conn.send_text(first, fin=False)
    else:
        conn.send_binary(first, fin=False)
    for i, part in enumerate(rest):
        if i == 0 and ping:
            conn.send_ping(b"mockserver")
        conn.send_continuation(part, fin=i == len(rest) - 1)
    proto.transport.write(b"".join(conn.data_to_send()))


#: the header of an unmasked FIN text frame for payloads under 126 bytes, by length
_TEXT_HEADS = [bytes((0x81, n)) for n in range(126)]


def text_frame(payload: bytes) -> bytes:
    """One unmasked FIN text frame: the bytes websockets' `Frame.serialize(mask=False)` gives
    a `Frame(TEXT, payload)` with no extension."""
    n = len(payload)
    if n < 126:
        return _TEXT_HEADS[n] + payload
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + payload
    return struct.pack("!BBQ", 0x81, 127, n) + payload


def text_writer(scope: dict[str, Any]) -> Callable[[str], int] | None:
    """A writer of single-frame text messages straight to the transport, or None.

    `write(text)` frames the message as `conn.send_text` would and writes it with one
    `transport.write`, as uvicorn's `websocket.send` does, but without the ASGI message, the
    websockets `Frame` object and its serialisation. It returns the payload size, or -1 when
    it did not write because the message needs uvicorn's path: writing paused (the ASGI send
    waits), the client gone or a close sent (it raises), the protocol not OPEN. None when the
    connection negotiated an extension (permessage-deflate must compress every frame), logs
    frames (debug) or is not on uvicorn's sans-I/O protocol.
    """
    try:
        proto, conn = sans_io_of(scope)
    except RuntimeError:
        return None
    if (conn.extensions or conn.debug or not proto.handshake_complete
            or proto.initial_response is not None):
        return None
    writable, write, heads = proto.writable, proto.transport.write, _TEXT_HEADS
    from websockets.protocol import State

    opened = State.OPEN

    def write_text(text: str) -> int:
        if (proto.close_sent or proto.disconnected or not writable.is_set()
                or conn.state is not opened or conn.expect_continuation_frame):
            return -1
        payload = text.encode()
        n = len(payload)
        write(heads[n] + payload if n < 126 else text_frame(payload))
        return n

    return write_text


def _close_like_uvicorn(proto: Any) -> None:
    proto.close_sent = True
    if proto.read_paused:
        proto.read_paused = False
        proto.transport.resume_reading()
    proto.close_timer = proto.loop.call_later(proto.close_timeout, proto.transport.close)


def close_without_code(scope: dict[str, Any]) -> None:
    """A close frame with an empty payload: the client sees code 1005 (no status received)."""
    proto, conn = sans_io_of(scope)
    if proto.disconnected or proto.close_sent or proto.transport.is_closing():
        return
    conn.send_close()
    proto.transport.write(b"".join(conn.data_to_send()))
    _close_like_uvicorn(proto)


async def drop(scope: dict[str, Any]) -> None:
    """End the TCP connection without a close frame (the client synthesises 1006).

    Written messages are flushed first (close, not abort), so the client reads everything
    the plan sent before it notices the connection is gone.
    """
    transport = transport_of(scope)
    if transport is None or transport.is_closing():
        return
    await flush(transport)
    proto: Any = transport.get_protocol()
    proto.close_sent = True  # uvicorn must not answer a late close frame from the client
    transport.close()
