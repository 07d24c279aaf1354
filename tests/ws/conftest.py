"""Helpers for the WebSocket tests: bounded clients, JSON receive, servers with options.

Every network wait is bounded (`TIMEOUT`); servers listen on 127.0.0.1 port 0. Most tests use
the `mockserver` fixture (their own lane, scenarios checked at teardown); `keyed_server` is a
separate server started with `api_key` for the auth paths.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from mockserver import MockServer

TIMEOUT = 5.0
KEY = "sk-right-key-0123456789"


def ws_connect(url: str, **kw: Any) -> Any:
    """`websockets.connect` with bounded handshake and close timeouts, no keep-alive pings."""
    kw.setdefault("open_timeout", TIMEOUT)
    kw.setdefault("close_timeout", 2)
    kw.setdefault("ping_interval", None)
    return connect(url, **kw)


async def recv_json(ws: ClientConnection, timeout: float = TIMEOUT) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_until(ws: ClientConnection, last: str | tuple[str, ...],
                     timeout: float = TIMEOUT) -> list[dict[str, Any]]:
    """Messages up to and including the first whose `type` is in `last`."""
    ends = (last,) if isinstance(last, str) else last
    out = []
    while True:
        message = await recv_json(ws, timeout)
        out.append(message)
        if message.get("type") in ends:
            return out


async def send_json(ws: ClientConnection, obj: Any) -> None:
    await ws.send(json.dumps(obj))


@pytest.fixture(scope="module")
def keyed_server(mockserver_stack: tuple[str, str]) -> Iterator[MockServer]:
    http, loop = mockserver_stack
    with MockServer(api_key=KEY, http=http, loop=loop) as server:
        yield server
        server.check()


@pytest.fixture(scope="module")
def plain_server(mockserver_stack: tuple[str, str]) -> Iterator[MockServer]:
    http, loop = mockserver_stack
    with MockServer(http=http, loop=loop) as server:
        yield server
        server.check()


async def raw_frames(url: str, texts: list[str], until: Any, timeout: float = TIMEOUT) -> list[Any]:
    """Every frame the server sends, as `websockets.frames.Frame` (fragments stay separate).

    A sans-I/O `ClientProtocol` over a plain socket: it does the handshake, sends `texts`, and
    returns the frames received until `until(frames)` is true or the connection ends.
    """
    from websockets.client import ClientProtocol
    from websockets.frames import Frame
    from websockets.http11 import Response
    from websockets.uri import parse_uri

    uri = parse_uri(url)
    reader, writer = await asyncio.open_connection(uri.host, uri.port)
    proto = ClientProtocol(uri)
    proto.send_request(proto.connect())
    writer.write(b"".join(proto.data_to_send()))
    frames: list[Frame] = []
    try:
        while not until(frames):
            data = await asyncio.wait_for(reader.read(65536), timeout)
            if not data:
                break
            proto.receive_data(data)
            for event in proto.events_received():
                if isinstance(event, Response):
                    for text in texts:
                        proto.send_text(text.encode())
                else:
                    frames.append(event)
            writer.write(b"".join(proto.data_to_send()))
    finally:
        writer.close()
    return frames
