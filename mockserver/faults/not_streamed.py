"""not_streamed: a `stream=true` request gets a plain JSON completion instead of SSE."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.core.draft import Draft
from mockserver.core.events import dumps
from mockserver.core.formats import FORMATS
from mockserver.faults.base import Fault, FaultContext

__all__ = ["NotStreamed"]


@dataclass(frozen=True)
class NotStreamed(Fault):
    """A `stream=true` request gets `200 application/json` with a non-stream completion body: the
    body holds no `data:` line, so a client that parses it as SSE without checking the content type
    sees zero events and returns an empty answer; one that checks the type or the event count
    raises.
    """

    name = "not_streamed"
    layer = "http"

    def needs_whole_stream(self) -> bool:
        return True  # the body is rendered from the whole answer

    def on_draft(self, draft: Draft, ctx: FaultContext) -> Draft:
        if draft.events is None or draft.content is None:
            return draft
        render = FORMATS[draft.fmt].renderer.body
        if render is None:
            return draft
        text = FORMATS[draft.fmt].renderer.json_text or dumps  # the provider's JSON layout
        body = text(render(draft.content, ctx.request, ctx.seed, draft.model)).encode()
        draft.set_header("content-type", "application/json")
        return Draft(draft.status, list(draft.headers), events=None, body=body, fmt=draft.fmt)
