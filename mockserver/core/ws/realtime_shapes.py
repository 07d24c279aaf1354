"""JSON shapes of the Realtime text subset (openai-wire.md 4.4; openai-python `types/realtime`).

Kept apart from the state machine in `ws_realtime.py` so the event order reads on one screen.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.content import Content
from mockserver.core.ids import Ids

__all__ = [
    "BETA_NAMES", "session_object", "response_object", "assistant_item", "usage_object",
    "rate_limits",
]

#: GA name -> beta name (`OpenAI-Beta: realtime=v1`), openai-wire.md 4.3
BETA_NAMES = {
    "response.output_text.delta": "response.text.delta",
    "response.output_text.done": "response.text.done",
    "conversation.item.added": "conversation.item.created",
}

_PCM = {"type": "audio/pcm", "rate": 24000}


def session_object(ids: Ids, model: str) -> dict[str, Any]:
    """The GA session as `session.created` reports it (text output: this mock speaks text)."""
    created = ids.created()
    return {
        "type": "realtime",
        "object": "realtime.session",
        "id": ids.base62("sess_", 21),
        "model": model,
        "output_modalities": ["text"],
        "instructions": "You are a helpful assistant (mockserver).",
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "truncation": "auto",
        "prompt": None,
        "expires_at": created + 3600,
        "audio": {
            "input": {"format": dict(_PCM), "transcription": None, "noise_reduction": None,
                      "turn_detection": None},
            "output": {"format": dict(_PCM), "voice": "alloy", "speed": 1.0},
        },
        "include": None,
    }


def response_object(
    rid: str, conversation_id: str, session: dict[str, Any], options: dict[str, Any]
) -> dict[str, Any]:
    """A `realtime.response` in progress (response.created); completed copies add output."""
    in_conversation = options.get("conversation", "auto") != "none"
    return {
        "object": "realtime.response",
        "id": rid,
        "status": "in_progress",
        "status_details": None,
        "output": [],
        "conversation_id": conversation_id if in_conversation else None,
        "output_modalities": options.get("output_modalities", session.get("output_modalities")),
        "max_output_tokens": options.get("max_output_tokens", session.get("max_output_tokens")),
        "audio": {"output": {"format": dict(_PCM), "voice": "alloy"}},
        "usage": None,
        "metadata": options.get("metadata"),
    }


def assistant_item(item_id: str, status: str, text: str | None) -> dict[str, Any]:
    """The assistant message item; `text=None` while it is still empty (output_item.added)."""
    content = [] if text is None else [{"type": "output_text", "text": text}]
    return {"id": item_id, "type": "message", "object": "realtime.item", "status": status,
            "role": "assistant", "content": content}


def usage_object(content: Content) -> dict[str, Any]:
    prompt, completion = content.prompt_tokens, content.completion_tokens
    return {
        "total_tokens": prompt + completion,
        "input_tokens": prompt,
        "output_tokens": completion,
        "input_token_details": {"text_tokens": prompt, "audio_tokens": 0, "image_tokens": 0,
                                "cached_tokens": 0,
                                "cached_tokens_details": {"text_tokens": 0, "audio_tokens": 0,
                                                          "image_tokens": 0}},
        "output_token_details": {"text_tokens": completion, "audio_tokens": 0},
    }


def rate_limits(content: Content) -> list[dict[str, Any]]:
    used = content.prompt_tokens + content.completion_tokens
    return [
        {"name": "requests", "limit": 1000, "remaining": 999, "reset_seconds": 60},
        {"name": "tokens", "limit": 50000, "remaining": 50000 - used, "reset_seconds": 60},
    ]
