"""WebSocket routes, and the frame-level powers ASGI does not have.

`WS_ROUTES` maps an API path to `handler(app, scope, receive, send, route)`; unknown paths
are rejected at the handshake by the app. The handlers live in `ws_app.py`.

ASGI can send whole messages and close frames with valid codes, but not: a message split
into several frames, a close frame without a status code (1005), the end of a connection
without any close frame (1006), or silence to the client's pings. These reach into uvicorn's
sans-I/O websockets protocol (`transport.get_protocol().conn`, a `websockets` ServerProtocol)
through the asyncio transport `_internals` puts in the scope, so the protocol's own state
stays consistent. They are the WebSocket side of `_internals.py`'s quarantine: if uvicorn
changes `WebSocketsSansIOProtocol`, only this block needs to follow (tests/ws pins it).
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable
from typing import Any

from mockserver.transport._internals import transport_of

__all__ = [
    "sans_io_of", "ignore_pings", "send_fragments", "close_without_code",
    "drop", "text_writer", "text_frame",
]

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

    from websockets.frames import Opcode

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
    for _ in range(200):
        if transport.get_write_buffer_size() == 0:
            break
        await asyncio.sleep(0.005)
    proto: Any = transport.get_protocol()
    proto.close_sent = True  # uvicorn must not answer a late close frame from the client
    transport.close()
