"""Server-sent events: a WHATWG-exact incremental decoder (the oracle) and the encoder."""

from mockserver.sse.decoder import ServerSentEvent, SSEDecoder, decode_all
from mockserver.sse.encoder import DONE, encode_comment, encode_event

__all__ = [
    "DONE",
    "SSEDecoder",
    "ServerSentEvent",
    "decode_all",
    "encode_comment",
    "encode_event",
]
