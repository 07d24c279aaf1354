"""cors: break cross-origin access the ways real gateways do (browser clients only).

Each kind changes one field of the `CorsPolicy` (mockserver.core.cors); the app applies the
policy to the preflight and to the actual response. Which request reaches the server in
headless Chromium 156 (failure-modes.md 2.4, proven by tests/browser/test_cors.py):

    kind                       preflight (OPTIONS)      actual POST               row
    missing_allow_origin       passes                   sent, response hidden     CORS-01
    wrong_origin               fails                    never sent                CORS-02
    preflight_status           fails (401 by default)   never sent                CORS-04
    no_allow_headers           fails                    never sent                CORS-05
    wildcard_with_credentials  fails if credentialed    never sent                CORS-03
    no_expose_headers          passes                   sent, headers read null   CORS-10
    missing_on_error           passes                   sent, errors hidden       CORS-01

Non-browser clients (openai-python, openai-node in Node) never enforce CORS and see the
response as usual. A preflight carries no custom header values, so kinds that act on the
preflight must be chosen by URL (`/scenario/<name>/v1`, a lane's queue) or `--fault`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.core.cors import CorsPolicy
from mockserver.errors import FaultSpecError
from mockserver.faults.base import Fault, FaultContext

__all__ = ["Cors"]

CorsKind = Literal[
    "missing_allow_origin",
    "wrong_origin",
    "preflight_status",
    "no_allow_headers",
    "wildcard_with_credentials",
    "no_expose_headers",
    "missing_on_error",
]


@dataclass(frozen=True)
class Cors(Fault):
    """The API's CORS headers are broken the way real gateways break them: for a browser's fetch or
    EventSource the request fails with no readable status (`TypeError: Failed to fetch`, the reason
    only in the console); with `no_expose_headers` the stream works but `x-request-id`,
    `retry-after` and rate-limit headers read as null. Clients outside a browser do not enforce
    CORS and are unaffected.

    `status` is the preflight answer for `preflight_status` (any non-2xx: 401 as when a
    gateway demands the key on OPTIONS, 404/405 when OPTIONS is not routed); `origin` is the
    fixed value `wrong_origin` sends.
    """

    name = "cors"
    layer = "cors"
    example = "cors(kind=missing_allow_origin)"

    kind: CorsKind
    status: int = field(default=401, metadata={"min": 100, "max": 599})
    origin: str = "http://example.org"

    def validate(self) -> None:
        if 200 <= self.status < 300:
            raise FaultSpecError(
                f"cors: parameter 'status' must not be 2xx (a 2xx preflight passes); "
                f"got {self.status}"
            )
        if self.kind == "wrong_origin" and self.origin in ("*", "null", "reflect"):
            raise FaultSpecError(
                f"cors: parameter 'origin' must be a fixed origin like http://example.org; "
                f"got {self.origin!r}"
            )

    def on_cors(self, policy: Any, ctx: FaultContext | None) -> Any:
        assert isinstance(policy, CorsPolicy)
        if self.kind == "missing_allow_origin":
            # Preflight fine, actual response without ACAO: the POST runs, its answer is hidden.
            return policy.but(origin_on_response=False)
        if self.kind == "wrong_origin":
            return policy.but(allow_origin=self.origin)
        if self.kind == "preflight_status":
            return policy.but(preflight_status=self.status)
        if self.kind == "no_allow_headers":
            return policy.but(allow_headers="")
        if self.kind == "wildcard_with_credentials":
            # `*` plus credentials: fine for credential-less fetches, fatal for credentialed ones.
            return policy.but(allow_origin="*", allow_credentials=True)
        if self.kind == "no_expose_headers":
            return policy.but(expose_headers="")
        return policy.but(on_errors=False)  # missing_on_error
