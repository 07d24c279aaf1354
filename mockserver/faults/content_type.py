"""content_type: the response carries the wrong Content-Type (or none at all)."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.core.draft import Draft
from mockserver.errors import FaultSpecError
from mockserver.faults.base import Fault, FaultContext

__all__ = ["ContentType"]


@dataclass(frozen=True)
class ContentType(Fault):
    """The body is unchanged but `content-type` says `value` (empty: no header at all). A client
    that checks the header (the EventSource spec, httpx-sse) refuses the stream; one that ignores
    it parses the events as usual.
    """

    name = "content_type"
    layer = "http"
    example = "content_type(value=text/plain)"

    value: str = "application/json"

    def validate(self) -> None:
        if any(ch in self.value for ch in "\r\n\0"):
            raise FaultSpecError(
                f"{self.name}: parameter 'value' must be one header line; got {self.value!r}"
            )

    def on_draft(self, draft: Draft, ctx: FaultContext) -> Draft:
        if self.value.strip():
            draft.set_header("content-type", self.value.strip())
        else:
            draft.drop_header("content-type")
        return draft
