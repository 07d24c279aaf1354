"""Draft: one HTTP answer before it becomes a plan (head, and events or a body).

    formats render ─► Draft(status, headers, events | body) ─► faults' on_draft ─► compile_plan

A leaf of the core: the formats build drafts (`compile_error`, `compile_json`, the renderers
through `compile_plan`), the faults reshape them, the pipeline turns them into a `WirePlan`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.core.events import Event

__all__ = ["Draft"]


@dataclass
class Draft:
    """The response before it becomes a plan: head, and either events (stream) or a body."""

    status: int
    headers: list[tuple[str, str]]
    events: Iterable[Event] | None = None  # a list once faults see it
    body: bytes | None = None
    fmt: str = "chat"  # the format's name (chat, completions, responses, messages, ...) or json
    #: what the stream says (a `Content`) and the model it names, kept so a fault can render
    #: the same answer in another shape (e.g. not_streamed renders the non-stream body)
    content: Any = None
    model: str = ""

    def set_header(self, name: str, value: str) -> None:
        name = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k != name] + [(name, value)]

    def drop_header(self, name: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k != name.lower()]
