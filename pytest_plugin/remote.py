"""A client of an already running mockserver, for `--mockserver-url URL`.

`RemoteServer` has the surface of `MockServer` that the fixture uses (addresses, `enqueue`,
`requests`, `clear`, `check`, `unused`) and talks to the server's admin API (`/_mock/`) over
HTTP with the standard library, so it adds no dependency and no import cost:

    POST /_mock/scenarios?lane=ID   enqueue (JSON body: a list of scenarios) -> ids
    GET  /_mock/scenarios?lane=ID   the lane's queue with use counts (for `unused`)
    GET  /_mock/journal?lane=ID     the lane's journal, with what was sent ("sent" lines) and
                                    its wire timelines (&timeline=1, for the HTML report)
    POST /_mock/reset?lane=ID       forget the lane
    GET  /_mock/catalog             library scenario names
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from mockserver.errors import ServerError
from mockserver.transport.state import JournalEntry

__all__ = ["RemoteServer"]


class RemoteServer:
    """The admin-API client of a server started elsewhere (`mockserver serve`)."""

    def __init__(self, url: str, *, admin_token: str | None = None, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        parsed = urllib.parse.urlsplit(self.url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or (443 if parsed.scheme == "https" else 80)
        self.admin_token = admin_token or os.environ.get("MOCKSERVER_ADMIN_TOKEN")
        self.timeout = timeout

    # -- lifecycle: the server belongs to someone else ------------------------------------
    def start(self) -> RemoteServer:
        health = self._call("GET", "/_mock/health")
        if health.get("status") != "ok":
            raise ServerError(f"mockserver at {self.url} is not healthy: {health!r}")
        return self

    def stop(self) -> None:
        """Nothing to stop: the server outlives the session."""

    @property
    def running(self) -> bool:
        return True

    # -- addresses ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def ws_url(self) -> str:
        return "ws" + self.base_url[len("http"):]

    def url_for(self, path: str, *, lane: str | None = None) -> str:
        prefix = f"/lane/{lane}" if lane and lane != "default" else ""
        return f"{self.url}{prefix}{path if path.startswith('/') else '/' + path}"

    def lane_base_url(self, lane: str) -> str:
        return self.url_for("/v1", lane=lane)

    # -- admin API ------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: Any = None, **query: str) -> Any:
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("content-type", "application/json")
        if self.admin_token:
            request.add_header("authorization", f"Bearer {self.admin_token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                pass
            raise ServerError(f"mockserver admin {method} {path}: {exc.code} {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ServerError(f"mockserver at {self.url} is unreachable: {exc}") from None

    def enqueue(self, *scenarios: dict[str, Any], lane: str = "default") -> list[str]:
        reply = self._call("POST", "/_mock/scenarios", list(scenarios), lane=lane)
        return list(reply.get("ids", []))

    def requests(self, lane: str | None = None) -> list[JournalEntry]:
        query = {"lane": lane} if lane else {}
        entries = []
        journal = self._call("GET", "/_mock/journal", timeline="1", **query)
        for data in journal.get("requests", []):
            entry = JournalEntry(
                index=data.get("index", 0), method=data.get("method", ""),
                path=data.get("path", ""), lane=data.get("lane", ""),
                headers=data.get("headers", {}), body=data.get("body"),
                scenario=data.get("scenario"), faults=tuple(data.get("faults", ())),
                status=data.get("status"), outcome=data.get("outcome", ""),
                bytes_sent=data.get("bytes_sent", 0), error=data.get("error"),
                body_size=data.get("body_size"), body_sha256=data.get("body_sha256"),
                body_truncated=bool(data.get("body_truncated")),
                sent=list(data.get("sent", [])),
                started=data.get("started", 0.0), protocol=data.get("protocol", "http"),
            )
            entry.timeline = data.get("timeline")  # type: ignore[attr-defined]
            entries.append(entry)
        return entries

    def unused(self, lane: str) -> list[dict[str, Any]]:
        """Queued scenarios of the lane that still expect requests (as `Queued.describe()`)."""
        queue = self._call("GET", "/_mock/scenarios", lane=lane).get("scenarios", [])
        return [
            q for q in queue
            if q.get("used", 0) == 0 or (q.get("times") != "always" and q["used"] < q["times"])
        ]

    def library_names(self) -> list[str]:
        return [s["name"] for s in self._call("GET", "/_mock/catalog").get("scenarios", [])]

    def clear(self, lane: str | None = None) -> None:
        query = {"lane": lane} if lane else {}
        self._call("POST", "/_mock/reset", **query)

    def check(self) -> None:
        """Errors inside a remote server show in its own log; nothing to re-raise here."""
