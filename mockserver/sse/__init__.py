"""Server-sent events: a WHATWG-exact incremental decoder (the oracle) and the encoder.

The server only encodes: the decoder names load on first access, so importing the encoder
(which every stream does) keeps the decoder off a server's start-up path.
"""

from typing import Any

from mockserver.sse.encoder import DONE, encode_comment, encode_event

__all__ = [
    "DONE",
    "SSEDecoder",
    "ServerSentEvent",
    "decode_all",
    "encode_comment",
    "encode_event",
]

_DECODER = ("SSEDecoder", "ServerSentEvent", "decode_all")


def __getattr__(name: str) -> Any:
    if name in _DECODER:
        from mockserver.sse import decoder

        return getattr(decoder, name)
    raise AttributeError(f"module 'mockserver.sse' has no attribute {name!r}")
