"""exception_event: an AWS event stream carries an exception message mid-stream, then ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mockserver.core.events import Event, serialize
from mockserver.core.formats.bedrock import exception_event
from mockserver.faults._positions import event_index
from mockserver.faults.base import Fault, FaultContext

__all__ = ["ExceptionEvent"]

ExceptionType = Literal[
    "throttlingException", "modelStreamErrorException", "validationException",
    "internalServerException", "serviceUnavailableException", "modelTimeoutException",
]


@dataclass(frozen=True)
class ExceptionEvent(Fault):
    """After a 200 and `at - 1` events, the stream carries an exception message in place of
    event `at` (`:message-type: exception`, `:exception-type: <type>`, `{"message": ...}`)
    and ends: boto3 raises `EventStreamError` (a `ClientError` whose code is the type, e.g.
    `throttlingException`) while the stream is iterated, after the events before it; the
    Anthropic SDK's Bedrock client raises its `APIStatusError`.

    The types are the exception members of ConverseStream's and InvokeModelWithResponseStream's
    stream unions (`modelTimeoutException` only in the latter); `message` replaces the
    type's usual text.
    """

    name = "exception_event"
    layer = "eventstream"
    framings = frozenset({"aws_eventstream"})
    example = "exception_event(at=3, type=throttlingException)"

    at: int = field(metadata={"min": 1})
    type: ExceptionType = "modelStreamErrorException"
    message: str | None = None

    def on_events(self, events: list[Event], ctx: FaultContext) -> list[Event]:
        if ctx.ended:
            return []  # a live stream goes on upstream; its answer already ended here
        i = event_index(events, self.at, ctx)
        if i is None:
            return events
        ctx.ended = True
        return list(events[:i]) + [serialize(exception_event(self.type, self.message))]
