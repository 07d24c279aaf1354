"""Quarantine for reaches into uvicorn's private API (the only module that does this).

The players need the connection's asyncio transport to do what ASGI cannot express: close
without the chunked terminator, send a TCP RST, write raw bytes. uvicorn builds the ASGI scope
inside its protocol classes, so we subclass them and wrap the per-connection app to add the
transport under `scope["extensions"]["mockserver.transport"]`. Pinned behaviour is tested in
tests/transport; if uvicorn changes these classes, only this file needs to follow.

Both HTTP implementations get the same subclass (`http_protocol_class("httptools" | "h11")`):
each keeps its asyncio transport and its `FlowControl` as `self.transport` / `self.flow`, and
writes the chunked terminator on the final empty body message, so the players' direct chunk
writes, aborts and resets behave alike on both (and on uvloop's transports, whose `socket`
extra takes `setsockopt`). Each class is built on first use: a server on httptools never
imports h11, and the other way round.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

__all__ = [
    "http_protocol_class", "ws_protocol", "ws_protocol_class", "TRANSPORT_KEY", "transport_of",
    "bound_port", "drain",
]

TRANSPORT_KEY = "mockserver.transport"


def _wrap(app: Any, transport: asyncio.BaseTransport) -> Any:
    async def with_transport(scope: dict[str, Any], receive: Any, send: Any) -> None:
        extensions = scope.setdefault("extensions", {})
        if extensions is None:
            extensions = scope["extensions"] = {}
        extensions[TRANSPORT_KEY] = transport
        await app(scope, receive, send)

    return with_transport


@functools.cache
def http_protocol_class(http: str) -> type[asyncio.Protocol]:
    """uvicorn's `httptools` or `h11` protocol, exposing the transport to the app through the
    scope (what uvicorn's `http=` is given)."""
    base: type[Any]
    if http == "httptools":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    elif http == "h11":
        from uvicorn.protocols.http.h11_impl import H11Protocol as base
    else:
        raise ValueError(f"unknown HTTP implementation {http!r}")

    class TransportProtocol(base):  # type: ignore[misc]
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
