"""The I/O layer: the ASGI app, uvicorn in a thread (server.py), the HTTP and WebSocket players."""
