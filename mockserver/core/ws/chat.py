"""`/v1/ws/chat`: the simple WebSocket chat protocol of SPEC 2.1, as a pure state machine.

    client {"type":"auth","api_key":K}            -> {"type":"auth_success"}
                                                     (wrong K with --api-key: error, close 1008)
    client {"type":"message","model":M,"content":C,"stream":true}
                                       -> {"type":"chunk","content":piece}* {"type":"done"}
    anything else (not strict JSON, binary, unknown type, unknown model, missing content)
                                       -> {"type":"error","message":...}, socket stays open

Pieces, pauses and seed are the ones the SSE stream of the same scenario uses (content.resolve
and plan.schedule). With `stream: false` the whole text comes as one chunk, then done.
With `--api-key`, a `message` before a successful auth (or a valid `Authorization: Bearer`
on the handshake) gets an error and close 1008.

Per message the answer costs one string concatenation: the constant envelope of a chunk is
encoded once, only the piece is escaped (`json.encoder.encode_basestring`, the very function
`json.dumps(..., ensure_ascii=False)` uses for strings), and the messages are produced lazily,
as plain `str` (an unnumbered single-frame text message, see session.py), while they are
played. Only a paced answer (non-zero timing) is built whole, to take its pauses from
`plan.schedule`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any

from mockserver.core.content import resolve
from mockserver.core.formats import default_error_message
from mockserver.core.request import RequestView
from mockserver.core.strict_json import StrictJSONError, loads
from mockserver.core.ws.ops import Close, Pause, Send, WsOp
from mockserver.core.ws.protocol import WsSetup, delays, error_message, json_text

__all__ = ["ChatProtocol", "DEFAULT_CHAT_MODEL"]

DEFAULT_CHAT_MODEL = "gpt-4.1"
PATH = "/v1/ws/chat"
#: json_text({"type": "chunk", "content": piece}) == _CHUNK + encode_basestring(piece) + "}"
_CHUNK = '{"type":"chunk","content":'
_DONE = json_text({"type": "done"})


def _messages(pieces: Sequence[str]) -> Iterator[str]:
    for piece in pieces:
        yield _CHUNK + encode_basestring(piece) + "}"
    yield _DONE


def _error(message: str) -> Send:
    return Send(json_text(error_message("chat", message=message)))


class ChatProtocol:
    """One connection of the simple chat protocol."""

    name = "chat"
    first_turn = 1

    def __init__(self, setup: WsSetup) -> None:
        self.setup = setup
        self.authed = setup.api_key is None or setup.given_key == setup.api_key
        self.requests = 0

    def opening(self) -> list[WsOp]:
        return []

    def receive(self, data: str | bytes) -> Iterable[WsOp | str]:
        """The answer: ops, with each plain text message as a `str` (produced lazily)."""
        if isinstance(data, bytes):
            return [_error("Binary messages are not supported: send JSON text messages.")]
        try:
            message: Any = loads(data)
        except StrictJSONError as exc:
            return [_error(f"Invalid JSON ({exc.reason}): every message must be a JSON object "
                           "with a 'type'.")]
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            return [_error("Invalid message: expected a JSON object with a string 'type'.")]
        kind = message["type"]
        if kind == "auth":
            return self._auth(message)
        if kind == "message":
            return self._message(message)
        return [_error(f"Unknown message type '{kind}': expected 'auth' or 'message'.")]

    def _auth(self, message: dict[str, Any]) -> list[WsOp]:
        key = message.get("api_key")
        if self.setup.api_key is not None and key != self.setup.api_key:
            return [_error("Invalid API key."), Close(1008, "invalid api key")]
        self.authed = True
        return [Send(json_text({"type": "auth_success"}))]

    def _message(self, message: dict[str, Any]) -> Iterable[WsOp | str]:
        if not self.authed:
            return [_error("Not authenticated: send {\"type\":\"auth\",\"api_key\":...} first."),
                    Close(1008, "authentication required")]
        model = message.get("model", DEFAULT_CHAT_MODEL)
        content = message.get("content")
        if not isinstance(model, str):
            return [_error("Invalid 'model': expected a string.")]
        if not isinstance(content, str):
            return [_error("Missing or invalid 'content': expected a string.")]
        served = self.setup.resolve_model(model)
        if served is None:
            return [_error(f"The model `{model}` does not exist or you do not have access to it.")]
        k = self.requests
        self.requests += 1
        response = self.setup.response_for(k)
        seed = self.setup.seed + k
        if response.error is not None:
            err = response.error
            return [_error(err.message or default_error_message(err.status))]
        view = RequestView(
            api="chat", path=PATH, model=model, stream=True, user_text=content,
            prompt_tokens=max(1, len(content.split())) + 7,
        )
        pieces = list(resolve(response, view, seed).pieces)
        if message.get("stream", True) is False:
            pieces = ["".join(pieces)]
        timing = self.setup.timing
        if timing is None or timing.is_zero:  # plan.schedule: no pauses at all
            return _messages(pieces)
        ops: list[WsOp | str] = []
        pauses = delays(len(pieces) + 1, timing, seed)
        for pause, text in zip(pauses, _messages(pieces), strict=True):
            if pause:
                ops.append(Pause(pause))
            ops.append(text)
        return ops
