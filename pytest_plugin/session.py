"""What one pytest session (or one xdist worker) shares between its tests.

    Session
    ├── server        MockServer started once (or RemoteServer with --mockserver-url)
    ├── seed          --mockserver-seed (default 0): every scripted scenario's seed derives from it
    ├── lanes         one fresh lane id per test: t<n>-<hash of node id>
    ├── http clients  one httpx2 client per SDK, shared by every test's SDK client (building an
    │                 SDK client with its own HTTP client costs ~25 ms for the SSL context)
    └── stragglers    worker threads of `resilience()` calls that hung, joined at the end

The fixture asks, the session answers: it alone talks to the server (addresses, enqueue,
journal, unused scenarios, library, clear, check), deriving seeds and keeping a catch-all
scenario last, and it hides the difference between an in-process `MockServer` (state read
directly) and a remote one (admin API).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
import time
from typing import Any

from mockserver.core.scenario import Scenario, scenario_to_dict

__all__ = ["Session", "stable_seed", "watch_async_client", "close_async_client"]


def stable_seed(*parts: object) -> int:
    """A 31-bit seed from its parts, the same in every run and every process."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


class _NoCloseMixin:
    """SDK clients call `http_client.close()` on `close()`/`__exit__`; a shared one must survive."""

    def close(self) -> None:  # the session closes it, through `really_close`
        return None

    def really_close(self) -> None:
        super().close()  # type: ignore[misc]


class Session:
    """Per-session state behind the `mockserver` fixtures."""

    def __init__(self, server: Any, *, seed: int = 0, remote: bool = False) -> None:
        self.server = server
        self.seed = seed
        self.remote = remote
        self._counter = itertools.count(1)
        self._lanes: set[str] = set()
        self._http: dict[str, Any] = {}
        self._ssl: Any = None
        self._boto: Any = None  # one boto3 session for every bedrock_client()
        self._lock = threading.Lock()
        self.stragglers: list[threading.Thread] = []

    # -- lanes ----------------------------------------------------------------------------
    def new_lane(self, nodeid: str) -> str:
        """A lane id unique in this session: `t<n>-<8 hex of the node id>`."""
        salt = f":{os.getpid()}" if self.remote else ""  # many sessions share one remote
        short = hashlib.sha256(f"{nodeid}{salt}".encode()).hexdigest()[:8]
        return f"t{next(self._counter)}-{short}"

    def seed_for(self, nodeid: str, count: int) -> int:
        """The seed of the `count`-th scenario a test queues (when it names none)."""
        return stable_seed(self.seed, nodeid, count)

    # -- the server -----------------------------------------------------------------------
    def url_for(self, path: str, *, lane: str) -> str:
        return str(self.server.url_for(path, lane=lane))

    def lane_base_url(self, lane: str) -> str:
        return str(self.server.lane_base_url(lane))

    def enqueue(self, lane: str, scenario: Scenario, *, last: str | None = None) -> str:
        """Queue `scenario` on `lane`; the queued id `last` (a catch-all) stays at the end."""
        doc: Any = scenario_to_dict(scenario) if self.remote else scenario
        ids = self.server.enqueue(doc, lane=lane)
        if last is not None:
            self._keep_last(lane, last)
        return str(ids[0])

    def journal(self, lane: str, timeout: float = 1.0) -> list[Any]:
        """The lane's journal, after waiting (at most `timeout` s) for in-flight responses.

        A client can hold the last byte before the server has recorded the outcome, so a
        journal read right after a call waits a moment for `pending` entries."""
        deadline = time.monotonic() + timeout
        while True:
            entries = list(self.server.requests(lane))
            if all(e.outcome != "pending" for e in entries) or time.monotonic() >= deadline:
                return entries
            time.sleep(0.002)

    def clear(self, lane: str) -> None:
        self.server.clear(lane)

    def check(self) -> None:
        """Re-raise what failed inside the server (in-process; a remote one logs it)."""
        self.server.check()

    def unused(self, lane: str) -> list[dict[str, Any]]:
        """Queued scenarios of `lane` still expecting requests, as `{id, name, times, used}`."""
        if self.remote:
            return self.server.unused(lane)  # type: ignore[no-any-return]
        return [q.describe() for q in self.server.state.unused(lane)]

    def library(self, name: str) -> Any:
        """The named library scenario (a `Scenario`), or raise listing the known names."""
        from mockserver.fixtures.library import builtin_scenarios

        from .options import MockserverUsageError

        if self.remote:
            known = {s.name: s for s in builtin_scenarios() if s.name}
            names = self.server.library_names()
        else:
            known = dict(self.server.state.library)
            names = sorted(known)
        if name in known and name in names:
            return known[name]
        if name in names:  # loaded by the remote server from a file we cannot see
            return None
        import difflib

        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise MockserverUsageError(
            f"mockserver marker: unknown scenario {name!r}{hint} "
            f"(`mockserver scenarios` lists all {len(names)})"
        )

    def _keep_last(self, lane: str, queued_id: str) -> None:
        """Move a catch-all scenario back to the end of the lane's queue (in-process only)."""
        if self.remote:
            return
        state = self.server.state
        with state.lock:
            queue = state.lane(lane).queue
            queue.sort(key=lambda q: q.id == queued_id)  # stable: only the catch-all moves

    # -- shared HTTP clients for SDK clients ----------------------------------------------
    def sync_http_client(self, sdk: str) -> Any:
        """One httpx2 client per SDK for the whole session, immune to the SDK's `close()`."""
        with self._lock:
            client = self._http.get(sdk)
            if client is None:
                module = __import__(sdk)
                base = module.DefaultHttpxClient
                shared = type(f"Shared{base.__name__.lstrip('_')}", (_NoCloseMixin, base), {})
                client = self._http[sdk] = shared()
            return client

    def bedrock_client(self, url: str, **kw: Any) -> Any:
        """A boto3 `bedrock-runtime` client for `url` from one boto3 session for the whole
        session (a fresh session costs ~150 ms of model loading; a client from it ~5 ms)."""
        with self._lock:
            if self._boto is None:
                import boto3  # type: ignore[import-untyped]

                self._boto = boto3.session.Session()
            from botocore.config import Config  # type: ignore[import-untyped]

            kw.setdefault("endpoint_url", url)
            kw.setdefault("region_name", "us-east-1")
            kw.setdefault("aws_access_key_id", "mockserver")
            kw.setdefault("aws_secret_access_key", "mockserver")
            kw.setdefault("config", Config(retries={"total_max_attempts": 1}))
            return self._boto.client("bedrock-runtime", **kw)

    def ssl_context(self) -> Any:
        """One SSL context for every async HTTP client (creating one costs ~25-45 ms)."""
        with self._lock:
            if self._ssl is None:
                import ssl

                self._ssl = ssl.create_default_context()
            return self._ssl

    # -- teardown -------------------------------------------------------------------------
    def close(self, timeout: float = 5.0) -> None:
        """Close shared clients, stop the server, then join threads left by hung calls."""
        with self._lock:
            clients, self._http = list(self._http.values()), {}
        for client in clients:
            client.really_close()
        self.server.stop()
        for thread in self.stragglers:
            thread.join(timeout)
        self.stragglers = [t for t in self.stragglers if t.is_alive()]


def _running_loop() -> Any:
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def watch_async_client(http: Any) -> Any:
    """Close `http` inside its event loop when that loop shuts down (runners cancel tasks).

    pytest-asyncio and anyio close a test's loop before sync fixtures tear down, and an async
    client's connections can only be closed in the loop that opened them."""
    loop = _running_loop()
    if loop is None:
        return None

    async def closer() -> None:
        import asyncio

        try:
            await asyncio.Event().wait()
        finally:
            await http.aclose()

    return loop.create_task(closer(), name="mockserver-async-client-closer")


def close_async_client(task: Any) -> None:
    """Teardown: if the loop outlives the test (wider loop scope), close the client now."""
    if task is None or task.done():
        return
    loop = task.get_loop()
    if not loop.is_closed() and not loop.is_running():
        task.cancel()
        loop.run_until_complete(_finished(task))


async def _finished(task: Any) -> None:
    import asyncio

    await asyncio.gather(task, return_exceptions=True)
