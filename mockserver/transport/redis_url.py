"""The `--state` URL: checked once at start, shown without its password.

`serve` calls `check_state_url` before starting any worker: a URL no worker could use is a
`ConfigError` (exit 2, naming the flag); a Redis that does not answer yet is only a warning,
since lanes answer 503 until it does and reconnect by themselves (redis_store.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from mockserver.errors import ConfigError

__all__ = ["check_state_url", "redacted"]


def redacted(url: str) -> str:
    """`url` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


def check_state_url(url: str) -> str | None:
    """Raise ConfigError for a URL no worker could use (scheme, form, missing package);
    return a warning when Redis does not answer yet (lanes answer 503 until it does)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(f"--state {redacted(url)}: expected redis://HOST:PORT/DB "
                          "(or rediss://, unix://)")
    database = parts.path.strip("/")
    if parts.scheme != "unix" and database and not database.isdigit():
        raise ConfigError(f"--state {redacted(url)}: the database (/DB) must be a number, "
                          f"got {database!r}")
    try:
        import redis
    except ImportError:
        raise ConfigError("--state redis://... needs the redis package: "
                          "pip install 'mockserver[redis]'") from None

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)
    except ValueError as exc:
        raise ConfigError(f"--state {redacted(url)}: {exc}") from None
    try:
        client.ping()
    except redis.RedisError as exc:
        return (f"Redis at {redacted(url)} does not answer yet ({exc}); lane operations "
                "answer 503 until it does")
    finally:
        client.close()
    return None
