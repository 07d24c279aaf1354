"""Refuse to expose the admin API and X-Mock-* controls off loopback without a token."""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from mockserver.errors import ConfigError

__all__ = ["is_loopback", "check_bind", "token_ok", "query_token_ok"]


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, admin_token: str | None) -> None:
    """Raise ConfigError when binding a non-loopback address without `--admin-token`."""
    if not is_loopback(host) and not admin_token:
        raise ConfigError(
            f"refusing to bind {host}: off loopback the admin API and X-Mock-* headers let anyone "
            "script this server. Pass --admin-token TOKEN (clients then send "
            "'Authorization: Bearer TOKEN' to /_mock/), or bind 127.0.0.1."
        )


def token_ok(headers: Any, token: str | None) -> bool:
    """Whether a request proves the admin token (Bearer or X-Mock-Token); True without one."""
    if not token:
        return True
    given = headers.get("x-mock-token", "")
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        given = given or auth[7:].strip()
    return hmac.compare_digest(given.encode(), token.encode())


def query_token_ok(query: Any, token: str | None) -> bool:
    """Whether `?token=` proves the admin token: for the inspector's page and event stream,
    which a browser opens without headers (address bar, EventSource); True without one."""
    if not token:
        return True
    given = query.get("token", "")
    return hmac.compare_digest(given.encode(), token.encode())
