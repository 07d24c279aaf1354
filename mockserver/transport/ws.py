"""WebSocket routes: path -> handler(app, scope, receive, send, route). Unknown paths are
rejected at the handshake with 404."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["WS_ROUTES", "WsHandler"]

WsHandler = Callable[[Any, dict[str, Any], Any, Any, Any], Awaitable[None]]

WS_ROUTES: dict[str, WsHandler] = {}
