"""gemini_blocked: a Gemini stream stops early with finishReason SAFETY or RECITATION."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.core.events import Event
from mockserver.faults._positions import event_index
from mockserver.faults.base import Fault, FaultContext

__all__ = ["GeminiBlocked", "SAFETY_RATINGS"]

#: what the API sends with a SAFETY stop: every category rated, the blocking one marked
SAFETY_RATINGS = (
    {"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "probability": "NEGLIGIBLE"},
    {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"},
    {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"},
    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True},
)


@dataclass(frozen=True)
class GeminiBlocked(Fault):
    """A Gemini stream stops early without an error: chunk `at` is a candidate with no content
    and `finishReason: SAFETY` (with safety ratings, one `blocked`) or `RECITATION`, and the
    body ends there. google-genai yields it as an ordinary chunk whose `text` is None, so a
    client that only joins `chunk.text` returns a silently truncated answer; one that checks
    `finish_reason` notices.

    Acts on Gemini streams only (`/v1beta/models/{model}:streamGenerateContent`); the usage,
    model version and response id of the replaced chunk are kept.
    """

    name = "gemini_blocked"
    layer = "payload"
    example = "gemini_blocked(at=2)"

    at: int = field(metadata={"min": 1})
    reason: Literal["safety", "recitation"] = "safety"

    def on_payload(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        if ctx.ended:
            return []  # a live stream goes on upstream; its answer already ended here
        i = event_index(events, self.at, ctx)
        if ctx.fmt != "gemini" or i is None or not isinstance(events[i].payload, dict):
            return events
        from mockserver.core.formats.gemini import gemini_chunk  # loaded with the format
        from mockserver.core.formats.lines import google_json

        old: dict[str, Any] = events[i].payload
        extra: dict[str, Any] = {}
        if self.reason == "safety":
            extra["safetyRatings"] = [dict(r) for r in SAFETY_RATINGS]
        chunk = gemini_chunk(None, old.get("usageMetadata", {}), old.get("modelVersion", ""),
                             old.get("responseId", ""), self.reason.upper(), **extra)
        ctx.ended = True
        return events[:i] + [Event(payload=chunk, data=google_json(chunk), kind="finish")]
