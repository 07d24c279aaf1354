"""The baselines: the thinnest servers that send the same bytes as mockserver.

Run as `python benchmarks/bare_servers.py KIND [--sample FILE]`; it binds 127.0.0.1 on a free
port, prints `listening on port N`, and serves until SIGTERM. KIND is one of

- `starlette`: a bare Starlette app on uvicorn (the loop and HTTP implementation given with
  `--loop` / `--http`, the same as mockserver's in a comparison) that answers any POST with a
  `StreamingResponse` yielding one SSE event per iteration. This is the floor mockserver's
  pipeline is held to (target >= 1.0x).
- `raw`: a raw asyncio server (on the `--loop` loop) that parses just enough HTTP/1.1 and
  writes each event as one chunked-encoding frame with `transport.write`. No framework at all:
  the ceiling to compare to.
- `ws-websockets`: a bare `websockets` server (on the `--loop` loop): reads one message,
  answers with N text frames.
- `ws-starlette`: the same over a bare Starlette WebSocket endpoint on uvicorn.

Query parameters of the SSE baselines: `n` content events; for Starlette also `gap_ms` (chained
`asyncio.sleep` between events: the naive pacing), `first_ms` (a wait before the first event:
an idle stream) and `split=N` (N-byte writes, `gap_ms` apart).

What is streamed: `?n=N` content events between a head and a tail taken from a sample stream
(`--sample`, the bytes mockserver itself sent for a short stream, so event sizes are the same;
see `sample.py`). WebSocket servers read `{"n": N}` from the first client message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sample import Sample, load_sample  # noqa: E402

WS_CHUNK = '{"type":"chunk","content":"tok"}'
WS_DONE = '{"type":"done"}'


def _listen(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    print(f"listening on port {sock.getsockname()[1]}", flush=True)
    return sock


def starlette_sse_app(sample: Sample):  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    async def stream(request: Request) -> StreamingResponse:
        await request.body()
        q = request.query_params
        n, gap = int(q.get("n", "20")), float(q.get("gap_ms", 0))
        first = float(q.get("first_ms", 0))
        split = int(q.get("split", 0))

        async def gen():  # type: ignore[no-untyped-def]
            if first:
                await asyncio.sleep(first / 1000)
            if split:  # N-byte writes with chained sleeps: what a naive split fault does
                body = b"".join(sample.events(n))
                for i in range(0, len(body), split):
                    yield body[i:i + split]
                    await asyncio.sleep(gap / 1000)
                return
            for i, ev in enumerate(sample.events(n)):
                if gap and i:  # chained sleeps: the naive pacing that drifts
                    await asyncio.sleep(gap / 1000)
                yield ev

        return StreamingResponse(gen(), media_type="text/event-stream; charset=utf-8")

    return Starlette(routes=[Route("/{path:path}", stream, methods=["POST"])])


def starlette_ws_app():  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket

    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        n = int(json.loads(await websocket.receive_text()).get("n", 20))
        for _ in range(n):
            await websocket.send_text(WS_CHUNK)
        await websocket.send_text(WS_DONE)
        await websocket.close()

    return Starlette(routes=[WebSocketRoute("/{path:path}", ws)])


def run_uvicorn(app: object, sock: socket.socket, http: str, loop: str) -> None:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False,  # type: ignore[arg-type]
                            http=http, loop=loop)  # type: ignore[arg-type]
    uvicorn.Server(config).run(sockets=[sock])


def run_loop(main: object, loop: str) -> None:
    """asyncio.run on the stack's loop (uvloop's or asyncio's own)."""
    if loop == "uvloop":
        import uvloop

        uvloop.run(main)  # type: ignore[arg-type]
    else:
        asyncio.run(main)  # type: ignore[arg-type]


async def _raw_handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      sample: Sample) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        target = lines[0].split(b" ")[1].decode()
        length = 0
        for line in lines[1:]:
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await reader.readexactly(length)
        n = int(parse_qs(urlsplit(target).query).get("n", ["20"])[0])
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
                     b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n")
        for ev in sample.events(n):
            writer.write(b"%x\r\n%b\r\n" % (len(ev), ev))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def run_raw(sample: Sample, sock: socket.socket) -> None:
    server = await asyncio.start_server(lambda r, w: _raw_handle(r, w, sample), sock=sock)
    async with server:
        await server.serve_forever()


async def run_ws_websockets(sock: socket.socket) -> None:
    from websockets.asyncio.server import serve

    async def handler(ws) -> None:  # type: ignore[no-untyped-def]
        n = int(json.loads(await ws.recv()).get("n", 20))
        for _ in range(n):
            await ws.send(WS_CHUNK)
        await ws.send(WS_DONE)

    async with serve(handler, sock=sock, compression=None) as server:
        await server.serve_forever()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["starlette", "raw", "ws-websockets", "ws-starlette"])
    ap.add_argument("--sample", type=Path, default=None)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--http", choices=["httptools", "h11"], default="httptools")
    ap.add_argument("--loop", choices=["uvloop", "asyncio"], default="uvloop")
    args = ap.parse_args()
    sample = load_sample(args.sample)
    sock = _listen(args.port)
    if args.kind == "starlette":
        run_uvicorn(starlette_sse_app(sample), sock, args.http, args.loop)
    elif args.kind == "ws-starlette":
        run_uvicorn(starlette_ws_app(), sock, args.http, args.loop)
    elif args.kind == "raw":
        run_loop(run_raw(sample, sock), args.loop)
    else:
        run_loop(run_ws_websockets(sock), args.loop)


if __name__ == "__main__":
    main()
