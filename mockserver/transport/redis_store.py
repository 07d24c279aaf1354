"""Lanes in Redis (`--state redis://HOST:PORT/DB`): every worker, on any machine, shares them.

    next_request   one Lua call: the lane's request index and the global arrival number,
                   both atomic counters, so seeds derive from (lane, index) as in one process
    take           one Lua call: the first matching queued scenario with uses left, its use
                   counted in the same step: each enqueued use plays exactly once (a second
                   call with the request's body fields when a candidate matches on them)
    closed         one Lua call: the finished entry joins the lane's journal (scored by its
                   arrival number), then the SPEC 8 bounds evict (journal_bounds.py, the
                   same caps as in one process, `--journal-max-mb`); the entry is stored as
                   strict JSON (`entry_json`) with its body kept as the app kept it (past
                   64 KiB cut, with its size and sha256), so the journal always reads back

Losing Redis: lane operations raise `ApiError` 503 `state_unavailable` (answered in the route's
own error shape); the root lane falls back to stateless selection (its queue unseen, nothing
journaled) so requests that need no lane keep working. After a failed connection the store
waits `RETRY_AFTER_S` before trying Redis again (503 at once meanwhile), then reconnects by
itself: no restart. Scripts are reloaded when a restarted Redis has forgotten them.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from mockserver.core.plan import WirePlan
from mockserver.core.scenario import Scenario, scenario_to_dict
from mockserver.errors import ApiError, ConfigError
from mockserver.transport import redis_scripts as lua
from mockserver.transport.journal_bounds import JournalBounds, bound_body, entry_json
from mockserver.transport.lane_store import JournalPage
from mockserver.transport.redis_url import redacted
from mockserver.transport.state import DEFAULT_LANE, JournalEntry

try:
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import RedisError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover - exercised by the CLI's message
    aioredis = None  # type: ignore[assignment]

__all__ = ["RedisLanes", "RETRY_AFTER_S", "SENT_OPS"]

log = logging.getLogger("mockserver")
T = TypeVar("T")

#: after a failed connection, lane operations answer 503 at once for this long, then retry
RETRY_AFTER_S = 0.25
#: how many ops of what was sent the shared journal keeps per entry (the rest is counted)
SENT_OPS = 12
_CACHE_MAX = 256  # parsed queued scenarios kept per worker


def _canonical(value: Any) -> str:
    """A body field's value as the text both sides of a body match compare (`match.body`,
    compared inside Redis): JSON with sorted keys."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _sent_head(plan: WirePlan | None) -> list[str]:
    """The first ops of a plan, described; a long stream is not rendered again to the end."""
    if plan is None:
        return []
    head = tuple(itertools.islice(plan.ops, SENT_OPS + 1))
    lines = WirePlan(ops=head[:SENT_OPS]).describe().splitlines()
    if len(head) > SENT_OPS:
        lines.append(f"... (the shared journal keeps the first {SENT_OPS} ops)")
    return lines


class RedisLanes:
    """The `LaneStore` in Redis; one per worker process, all sharing one Redis database."""

    def __init__(self, url: str, *, bounds: JournalBounds | None = None,
                 worker: int | None = None, prefix: str = "mockserver:",
                 max_connections: int = 64) -> None:
        if aioredis is None:
            raise ConfigError("--state redis://... needs the redis package: "
                              "pip install 'mockserver[redis]'")
        try:
            pool = aioredis.BlockingConnectionPool.from_url(
                url, max_connections=max_connections, timeout=2.0,
                socket_connect_timeout=1.0, socket_timeout=2.0,
                retry=Retry(NoBackoff(), 1),  # one quick retry: a pooled socket Redis closed
            )
        except ValueError as exc:
            raise ConfigError(f"--state {redacted(url)}: {exc}") from None
        self.where = redacted(url)
        self.redis = aioredis.Redis(connection_pool=pool)
        self.bounds = bounds or JournalBounds()
        self.worker = worker
        self.p = prefix
        self._next = self.redis.register_script(lua.NEXT_REQUEST)
        self._take = self.redis.register_script(lua.TAKE)
        self._enqueue = self.redis.register_script(lua.ENQUEUE)
        self._record = self.redis.register_script(lua.RECORD)
        self._reset = self.redis.register_script(lua.RESET_LANE)
        self._scenarios: dict[bytes, Scenario] = {}
        self._local: dict[str, itertools.count[int]] = {}  # root lane while Redis is away
        self._down_until = 0.0
        self._down = False

    # -- keys and failure handling ------------------------------------------------------
    def _lane(self, lane: str, part: str) -> str:
        return f"{self.p}lane:{lane}:{part}"

    def _journal_keys(self) -> list[str]:
        p = self.p
        return [f"{p}jbytes", f"{p}jtotal", f"{p}jidle", f"{p}jevicted", f"{p}jevicted:all"]

    def _unavailable(self, why: object) -> ApiError:
        return ApiError(503, f"The shared state at {self.where} is unreachable ({why}); lane "
                        "operations fail until it is back. Requests that need no lane keep "
                        "working.", type="server_error", code="state_unavailable")

    async def _do(self, call: Callable[[], Awaitable[T]]) -> T:
        if self._down and time.monotonic() < self._down_until:
            raise self._unavailable("waiting before the next try")
        try:
            result = await call()
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            if not self._down:
                log.warning("mockserver: shared state %s unreachable: %s", self.where, exc)
            self._down, self._down_until = True, time.monotonic() + RETRY_AFTER_S
            raise self._unavailable(exc) from None
        except RedisError as exc:
            raise self._unavailable(exc) from None
        if self._down:
            self._down = False
            log.warning("mockserver: shared state %s reachable again", self.where)
        return result

    def _scenario(self, qid: bytes, doc: bytes) -> Scenario:
        """The queued scenario, parsed once per worker. Keyed by content, not id: a Redis
        that restarted empty hands out the same ids again for other scenarios."""
        key = hashlib.blake2b(doc, digest_size=16).digest()
        scenario = self._scenarios.get(key)
        if scenario is None:
            if len(self._scenarios) >= _CACHE_MAX:
                self._scenarios.clear()
            scenario = Scenario.from_dict(json.loads(doc), where=f"redis {qid.decode()}")
            self._scenarios[key] = scenario
        return scenario

    # -- LaneStore ----------------------------------------------------------------------
    async def next_request(self, lane: str) -> tuple[int, int]:
        keys = [self._lane(lane, "n"), f"{self.p}seq"]
        try:
            index, number = await self._do(lambda: self._next(keys=keys))
        except ApiError:
            if lane != DEFAULT_LANE:
                raise
            return next(self._local.setdefault(lane, itertools.count())), -1
        return int(index), int(number)

    async def take(self, lane: str, path: str, model: str | None, *, peek: bool = False,
                   body: Mapping[str, Any] | None = None) -> tuple[Scenario, int] | None:
        keys = [self._lane(lane, "q"), self._lane(lane, "items")]
        args = [path.rstrip("/"), model or "", "1" if peek else "0", "?"]
        try:
            found = await self._do(lambda: self._take(keys=keys, args=args))
            if found and found[0] == b"?":  # a candidate matches on body fields: send them
                args[3] = "" if body is None else _json(
                    {key: _canonical(value) for key, value in body.items()})
                found = await self._do(lambda: self._take(keys=keys, args=args))
        except ApiError:
            if lane != DEFAULT_LANE:
                raise
            return None  # stateless selection on the root lane while Redis is away
        if not found:
            return None
        qid, use, doc = found
        return self._scenario(qid, doc), int(use)

    async def library_use(self, lane: str, name: str) -> int:
        key = self._lane(lane, "lib")
        try:
            uses = await self._do(lambda: self.redis.hincrby(key, name, 1))
        except ApiError:
            if lane != DEFAULT_LANE:
                raise
            return next(self._local.setdefault(f"lib:{name}", itertools.count()))
        return int(uses) - 1

    async def enqueue(self, lane: str, scenarios: Sequence[Scenario]) -> list[str]:
        args: list[str | int] = []
        for s in scenarios:
            fields = {key: _canonical(value) for key, value in (s.match.body or {}).items()}
            args += [json.dumps(scenario_to_dict(s), separators=(",", ":")),
                     "" if s.match.path is None else "=" + s.match.path.rstrip("/"),
                     s.match.model or "", -1 if s.times is None else s.times, s.name or "",
                     _json(fields) if fields else ""]
        keys = [f"{self.p}ids", self._lane(lane, "q"), self._lane(lane, "items")]
        ids = await self._do(lambda: self._enqueue(keys=keys, args=args))
        return [i.decode() for i in ids]

    async def queue(self, lane: str) -> list[dict[str, Any]]:
        async def read() -> list[Any]:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.lrange(self._lane(lane, "q"), 0, -1)
                pipe.hgetall(self._lane(lane, "items"))
                return list(await pipe.execute())

        ids, items = await self._do(read)
        out = []
        for raw in ids:
            qid = raw.decode()
            times = int(items.get(f"{qid}.t".encode(), b"-1"))
            out.append({"id": qid, "name": items.get(f"{qid}.n".encode(), b"").decode() or None,
                        "times": "always" if times < 0 else times,
                        "used": int(items.get(f"{qid}.u".encode(), b"0"))})
        return out

    async def opened(self, entry: JournalEntry) -> None:
        return None  # written once, when finished (closed), scored by its arrival number

    async def closed(self, entry: JournalEntry) -> None:
        if entry.index < 0:
            return  # arrived while Redis was away: not journaled
        bound_body(entry)  # a body set directly (not kept by the app) is cut the same way
        data = entry.to_dict(with_plan=False)
        data["sent"] = _sent_head(entry.plan)
        if self.worker is not None:
            data["worker"] = self.worker
        keys = [self._lane(entry.lane, "j"), *self._journal_keys()]
        bounds = self.bounds
        args: list[str | int] = [entry.lane, entry.index, entry_json(data), bounds.lane_bytes,
                                 bounds.total_bytes, f"{self.p}lane:", bounds.lane_entries,
                                 bounds.lanes]
        try:
            await self._do(lambda: self._record(keys=keys, args=args))
        except ApiError:
            return  # the answer is already sent; the journal misses it while Redis is away

    async def journal(self, lane: str | None, *, timeline: bool = False) -> JournalPage:
        """The shared journal; no timelines (a plan stays in the worker that played it:
        entries carry the first ops of what was sent, `sent`, instead)."""
        p = self.p

        async def read() -> tuple[list[list[tuple[bytes, float]]], Any]:
            if lane is not None:
                async with self.redis.pipeline(transaction=True) as pipe:
                    pipe.zrange(self._lane(lane, "j"), 0, -1, withscores=True)
                    pipe.hget(f"{p}jevicted", lane)
                    entries, evicted = await pipe.execute()
                return [entries], evicted
            lanes: list[Any] = await self.redis.zrange(f"{p}jidle", 0, -1)
            async with self.redis.pipeline(transaction=True) as pipe:
                for name in lanes:
                    pipe.zrange(self._lane(name.decode(), "j"), 0, -1, withscores=True)
                pipe.get(f"{p}jevicted:all")
                *per_lane, evicted = await pipe.execute()
            return per_lane, evicted

        per_lane, evicted = await self._do(read)
        merged = heapq.merge(*per_lane, key=lambda pair: pair[1])
        return JournalPage([json.loads(member) for member, _ in merged], int(evicted or 0))

    async def reset(self, lane: str | None) -> None:
        if lane is not None:
            keys = [self._lane(lane, part) for part in ("n", "lib", "q", "items", "j")]
            await self._do(lambda: self._reset(keys=[*keys, *self._journal_keys()],
                                               args=[lane]))
            return

        async def clear_all() -> None:
            keep = {f"{self.p}seq".encode(), f"{self.p}ids".encode()}
            batch: list[bytes] = []
            async for key in self.redis.scan_iter(match=f"{self.p}*", count=500):
                if key not in keep:
                    batch.append(key)
                if len(batch) >= 500:
                    await self.redis.unlink(*batch)
                    batch = []
            if batch:
                await self.redis.unlink(*batch)

        await self._do(clear_all)

    async def close(self) -> None:
        await self.redis.aclose(close_connection_pool=True)
