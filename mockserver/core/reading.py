"""What a reader of an upstream answer gathers (core/answer.py, core/answer_providers.py):
text pieces, reasoning, tool calls, finish reason and usage, turned into a script's
`Response` at the end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.response import FINISH_REASONS, Response, ToolCall

__all__ = ["Reading", "tokens"]


@dataclass
class Reading:
    """What a reader has gathered so far."""

    pieces: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    calls: dict[Any, dict[str, str]] = field(default_factory=dict)  # key -> id, name, arguments
    finish: str | None = None
    usage: dict[str, int] = field(default_factory=dict)

    def call(self, key: Any) -> dict[str, str]:
        return self.calls.setdefault(key, {"id": "", "name": "", "arguments": ""})

    def response(self, *, text: bool = False) -> Response:
        calls = tuple(
            ToolCall(name=c["name"] or "tool", arguments=c["arguments"] or "{}", id=c["id"] or None)
            for c in self.calls.values()
        )
        finish = self.finish if self.finish in FINISH_REASONS else None
        joined = "".join(self.pieces)
        return Response(
            text=joined if text and (joined or not calls) else None,
            chunks=None if text else tuple(p for p in self.pieces if p),
            tool_calls=calls,
            finish_reason=finish,
            usage=dict(self.usage) or None,
            reasoning="".join(self.reasoning) or None,
        )


def tokens(usage: Any, reading: Reading) -> None:
    """Normalise a usage object to the script's prompt/completion token counts."""
    if not isinstance(usage, Mapping):
        return
    for ours, theirs in (("prompt_tokens", ("prompt_tokens", "input_tokens")),
                         ("completion_tokens", ("completion_tokens", "output_tokens"))):
        for key in theirs:
            value = usage.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                reading.usage[ours] = value
