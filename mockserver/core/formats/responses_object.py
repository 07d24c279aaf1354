"""The Response object and the payloads around it (openai-wire.md 3.3, 3.6, 5.3).

`response_object` builds a Response with the request's settings echoed, `usage_for` its usage,
`response_error_payload` the two in-stream `error` shapes and `failed_payload` a terminal
`response.failed`. Shared by the SSE renderer and the Responses WebSocket mode.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from mockserver.core.content import Content
from mockserver.core.request import RequestView

__all__ = [
    "response_object", "usage_for", "response_error_payload", "failed_payload",
    "INCOMPLETE_REASONS",
]

#: finish_reason -> `incomplete_details.reason`; other finish reasons complete normally
INCOMPLETE_REASONS = {"length": "max_output_tokens", "content_filter": "content_filter"}


_FUNCTION_TOOL_KEYS = ("type", "description", "name", "parameters", "strict")


def usage_for(content: Content) -> dict[str, Any]:
    """Responses `usage`; reasoning summary words count as reasoning tokens."""
    reasoning = len((content.reasoning or "").split())
    output = content.completion_tokens + reasoning
    return {
        "input_tokens": content.prompt_tokens,
        "input_tokens_details": {"cache_write_tokens": 0, "cached_tokens": 0},
        "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": content.prompt_tokens + output,
    }


def _tools(raw: Any) -> list[Any]:
    """Echo request tools the way the API does (function tools get every key, strict true)."""
    out = []
    for tool in raw if isinstance(raw, list) else []:
        if isinstance(tool, dict) and tool.get("type") == "function":
            full = {"type": "function", "description": None, "strict": True, **tool}
            tool = {k: full.get(k) for k in _FUNCTION_TOOL_KEYS}
        out.append(tool)
    return out


def _number(body: Any, name: str) -> float:
    value = body.get(name)
    return 1.0 if value is None else float(value)


def response_object(
    rid: str, created: int, request: RequestView, model: str, *, status: str,
    output: list[Any] | None = None, usage: dict[str, Any] | None = None,
    incomplete_details: dict[str, Any] | None = None, completed_at: int | None = None,
    service_tier: str = "auto",
) -> dict[str, Any]:
    """A Response object with the request's settings echoed (openai-wire.md 3.3)."""
    body = request.body
    reasoning: dict[str, Any] = body.get("reasoning") or {}
    text: dict[str, Any] = body.get("text") or {}
    if not isinstance(reasoning, dict):
        reasoning = {}
    if not isinstance(text, dict):
        text = {}
    return {
        "id": rid, "object": "response", "created_at": created, "status": status,
        "background": bool(body.get("background", False)), "completed_at": completed_at,
        "error": None, "incomplete_details": incomplete_details,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"), "model": model,
        "output": output or [], "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
        "safety_identifier": body.get("safety_identifier"), "service_tier": service_tier,
        "store": body.get("store", True), "temperature": _number(body, "temperature"),
        "text": {"format": text.get("format", {"type": "text"}),
                 "verbosity": text.get("verbosity", "medium")},
        "tool_choice": body.get("tool_choice", "auto"), "tools": _tools(body.get("tools")),
        "top_logprobs": body.get("top_logprobs", 0), "top_p": _number(body, "top_p"),
        "truncation": body.get("truncation", "disabled"), "usage": usage,
        "user": body.get("user"), "metadata": body.get("metadata") or {},
    }


def response_error_payload(
    shape: Literal["flat", "nested"], sequence_number: int, *, message: str,
    code: str | None = "server_error", type: str = "server_error", param: str | None = None,
) -> dict[str, Any]:
    """An `error` event: `flat` as documented (the SDK yields it), `nested` as observed from
    the real API on a mid-stream 429 (its truthy `error` key makes the SDK raise APIError)."""
    if shape == "flat":
        return {"type": "error", "code": code, "message": message, "param": param,
                "sequence_number": sequence_number}
    error = {"type": type, "code": code, "message": message, "param": param}
    return {"type": "error", "sequence_number": sequence_number, "error": error}


def failed_payload(snapshot: dict[str, Any], sequence_number: int, *, message: str,
                   code: str = "server_error") -> dict[str, Any]:
    """`response.failed` built from an earlier Response snapshot (e.g. `response.created`)."""
    response = copy.deepcopy(snapshot)
    response["status"] = "failed"
    response["error"] = {"code": code, "message": message}
    return {"type": "response.failed", "response": response, "sequence_number": sequence_number}
