"""ServerConfig: every option of one server (CLI flags, `MockServer(**options)`), validated
once when it is built; the limits of SPEC 8 are documented in README "Limits"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.scenario import Timing
from mockserver.errors import ConfigError
from mockserver.faults import Fault
from mockserver.transport.journal_bounds import (
    DEFAULT_LANE_ENTRIES,
    DEFAULT_LANES,
    DEFAULT_TOTAL_MB,
    JournalBounds,
)

__all__ = ["ServerConfig"]

_MB = 1024 * 1024


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    api_key: str | None = None
    admin_token: str | None = None
    chaos: float = 0.0
    seed: int = 0
    timing: Timing | None = None
    models: tuple[str, ...] = ()
    faults: tuple[Fault, ...] = ()
    scenario: str | None = None
    max_body: int = 1024 * 1024
    #: admin (/_mock/) bodies past this get 413 before they are read
    admin_max_body: int = 1024 * 1024
    log: bool = False
    #: the journal's caps (`journal_bounds`; defaults in journal_bounds.py): entries kept per
    #: lane, its total size in MiB (`--journal-max-mb`) and each lane's (None: a quarter),
    #: lanes kept (past it the longest-idle lane is dropped whole)
    journal_limit: int = DEFAULT_LANE_ENTRIES
    journal_max_mb: float = DEFAULT_TOTAL_MB
    journal_lane_max_mb: float | None = None
    max_lanes: int = DEFAULT_LANES
    #: seconds a connection may take to send complete request headers (`--header-timeout`);
    #: None or 0 turns the timeout off
    header_timeout: float | None = 10.0
    #: the largest WebSocket message accepted; a bigger one closes with 1009 and a reason
    ws_max_size: int = 16 * _MB
    #: `--upstream`: where requests no scenario answers are forwarded, as `[PREFIX=]URL`
    #: strings or `transport.upstreams.Upstream`s
    upstreams: tuple[Any, ...] = ()
    #: `--upstream-timeout`: seconds to connect, and between reads, before a 504 or a cut
    upstream_timeout: float = 60.0
    #: `--record DIR`: each proxied exchange is saved there as a scenario file
    record_dir: str | None = None
    #: `--timing fast` given: no pauses at all, not even a scenario's recorded timing
    fast: bool = False

    def __post_init__(self) -> None:
        checks = (
            ("max_body", self.max_body >= 1), ("admin_max_body", self.admin_max_body >= 1),
            ("journal_limit", self.journal_limit >= 1),
            ("journal_max_mb", 0 < self.journal_max_mb < 1e9),
            ("journal_lane_max_mb", self.journal_lane_max_mb is None
             or 0 < self.journal_lane_max_mb < 1e9),
            ("max_lanes", self.max_lanes >= 1),
            ("header_timeout", self.header_timeout is None or 0 <= self.header_timeout < 1e6),
            ("ws_max_size", self.ws_max_size >= 1),
        )
        for name, ok in checks:
            if not ok:
                raise ConfigError(f"{name}: invalid value {getattr(self, name)!r}",
                                  where="ServerConfig", path=name)

    @property
    def journal_bounds(self) -> JournalBounds:
        """The journal's caps, for the in-process lanes and the Redis ones alike."""
        return JournalBounds.from_max_mb(self.journal_max_mb, self.journal_lane_max_mb,
                                         lane_entries=self.journal_limit, lanes=self.max_lanes)
