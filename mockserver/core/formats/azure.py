"""What Azure OpenAI's formats share: api-version, auth, deployments, errors, headers and the
content-filter annotations (azure_openai.py renders the answers).

    /openai/deployments/{deployment}/chat/completions?api-version=...   azure_chat
    /openai/deployments/{deployment}/completions?api-version=...        azure_completions
    /openai/deployments/{deployment}/embeddings?api-version=...         azure_embeddings

The deployment is the model: a known model id (SPEC 2.1, `--models`) or one of Azure's usual
deployment names (`AZURE_DEPLOYMENTS`); any other gets 404 `DeploymentNotFound`. A missing or
unknown `api-version` gets 404 `{"error":{"code":"404","message":"Resource not found"}}`, as
the deployments endpoint answers. Auth: the `api-key` header (or `Authorization: Bearer`, an
Entra ID token); with `--api-key` a wrong or missing one gets Azure's 401. Azure's own errors
are `{"error": {"code", "message"}}`; errors the model API raises keep OpenAI's shape, and a
`content_filter` error carries `status` and `innererror` (docs/formats.md, "Azure OpenAI").
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

from mockserver.core.formats.base import openai_error_body
from mockserver.core.formats.drafts import default_error_message
from mockserver.core.models import ModelInfo
from mockserver.errors import ApiError

__all__ = [
    "API_VERSIONS", "AZURE_DEPLOYMENTS", "CATEGORIES", "azure_gate", "azure_model_info",
    "azure_unknown_model", "azure_error_body", "azure_headers", "filter_results",
    "prompt_filter_results", "sorted_keys", "CONTENT_FILTER_MESSAGE",
]

#: the data-plane api-versions the deployments endpoint answers (GA and preview)
API_VERSIONS = frozenset({
    "2022-12-01", "2023-05-15", "2024-02-01", "2024-06-01", "2024-10-21",
    "2023-03-15-preview", "2023-06-01-preview", "2023-07-01-preview", "2023-08-01-preview",
    "2023-09-01-preview", "2023-10-01-preview", "2023-12-01-preview", "2024-02-15-preview",
    "2024-03-01-preview", "2024-04-01-preview", "2024-05-01-preview", "2024-07-01-preview",
    "2024-08-01-preview", "2024-09-01-preview", "2024-10-01-preview", "2024-12-01-preview",
    "2025-01-01-preview", "2025-02-01-preview", "2025-03-01-preview", "2025-04-01-preview",
})
#: usual deployment names (named after their model) -> the model the answers name
AZURE_DEPLOYMENTS = {
    "gpt-35-turbo": "gpt-35-turbo", "gpt-35-turbo-16k": "gpt-35-turbo-16k",
    "gpt-35-turbo-instruct": "gpt-35-turbo-instruct", "gpt-4": "gpt-4", "gpt-4-32k": "gpt-4-32k",
    "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14", "gpt-5": "gpt-5-2025-08-07",
    "gpt-5-mini": "gpt-5-mini-2025-08-07", "gpt-5-nano": "gpt-5-nano-2025-08-07",
    "gpt-5-chat": "gpt-5-chat-2025-08-07", "o1": "o1-2024-12-17", "o3-mini": "o3-mini-2025-01-31",
    "o4-mini": "o4-mini-2025-04-16", "text-embedding-ada-002": "text-embedding-ada-002",
}
#: the content-filter categories of the default policy
CATEGORIES = ("hate", "self_harm", "sexual", "violence")
CONTENT_FILTER_MESSAGE = (
    "The response was filtered due to the prompt triggering Azure OpenAI's content management "
    "policy. Please modify your prompt and retry. To learn more about our content filtering "
    "policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766"
)
_MESSAGES = {
    401: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
         "provide a valid key for an active subscription and use a correct regional API "
         "endpoint for your resource.",
    404: "Resource not found",
    429: "Requests to the OpenAI API have exceeded call rate limit of your current OpenAI S0 "
         "pricing tier. Please retry after 1 second. Please go here: "
         "https://aka.ms/oai/quotaincrease if you would like to further increase the default "
         "rate limit.",
}
#: Azure's own error codes (answered as `{"error": {"code", "message"}}`)
_NATIVE = {"401", "404", "429", "DeploymentNotFound", "BadRequest", "OperationNotSupported",
           "PermissionDenied"}
#: OpenAI codes that Azure answers in its own shape for the same status
_OPENAI_DEFAULTS = {None, "invalid_api_key", "rate_limit_exceeded", "model_not_found",
                    "unknown_url"}


def sorted_keys(obj: Any) -> Any:
    """Keys sorted at every level, as Azure's serializer writes them."""
    if isinstance(obj, dict):
        return {key: sorted_keys(obj[key]) for key in sorted(obj)}
    if isinstance(obj, list):
        return [sorted_keys(item) for item in obj]
    return obj


def filter_results(filtered: str | None = None) -> dict[str, Any]:
    """Per-category verdicts: all safe, or `filtered` blocked (`jailbreak` is detected)."""
    results: dict[str, Any] = {c: {"filtered": False, "severity": "safe"} for c in CATEGORIES}
    if filtered == "jailbreak":
        results["jailbreak"] = {"detected": True, "filtered": True}
    elif filtered is not None:
        results[filtered] = {"filtered": True, "severity": "high"}
    return dict(sorted(results.items()))


def prompt_filter_results() -> list[dict[str, Any]]:
    """The prompt's verdicts: `prompt_index` first, as Azure writes it."""
    return [{"prompt_index": 0, "content_filter_results": filter_results()}]


def azure_gate(api_key: str | None, headers: Mapping[str, str],
               query: Mapping[str, str]) -> None:
    """api-version first (404 without a known one), then the key (`api-key` or Bearer)."""
    if query.get("api-version") not in API_VERSIONS:
        raise ApiError(404, _MESSAGES[404], code="404")
    if api_key is None:
        return
    auth = headers.get("authorization", "")
    given = headers.get("api-key") or (auth[7:].strip() if auth.lower().startswith("bearer ")
                                       else None)
    if given != api_key:
        raise ApiError(401, _MESSAGES[401], code="401")


def azure_model_info(deployment: str) -> ModelInfo | None:
    model = AZURE_DEPLOYMENTS.get(deployment)
    if model is None:
        return None
    kind = "embedding" if "embedding" in deployment else "chat"
    return ModelInfo(deployment, owned_by="azure", snapshot=model, kind=kind)


def azure_unknown_model(deployment: str) -> ApiError:
    return ApiError(404, "The API deployment for this resource does not exist. If you created "
                    "the deployment within the last 5 minutes, please wait a moment and try "
                    "again.", code="DeploymentNotFound")


def azure_error_body(status: int, message: str, type: str, code: str | None,
                     param: str | None, request_id: str) -> dict[str, Any]:
    """Azure's own errors as `{"error": {"code", "message"}}`; model errors in OpenAI's
    shape; `content_filter` with its verdicts (the category that fired is the scripted
    `type` when it names one, else `hate`)."""
    if code == "content_filter":
        category = type if type in (*CATEGORIES, "jailbreak") else "hate"
        return {"error": {
            "message": CONTENT_FILTER_MESSAGE if message == default_error_message(status)
            else message,
            "type": None, "param": param or "prompt", "code": "content_filter", "status": status,
            "innererror": {"code": "ResponsibleAIPolicyViolation",
                           "content_filter_result": filter_results(category)},
        }}
    if message == default_error_message(status):
        message = _MESSAGES.get(status, message)
    if code in _NATIVE or (status in _MESSAGES and code in _OPENAI_DEFAULTS):
        return {"error": {"code": code if code in _NATIVE else str(status), "message": message}}
    return openai_error_body(status, message, type, code, param, request_id)


def _uuid(text: str) -> str:
    return str(uuid.UUID(bytes=hashlib.md5(text.encode()).digest()))


def azure_headers(headers: list[tuple[str, str]], error: bool) -> list[tuple[str, str]]:
    """Azure's response headers: `apim-request-id` and a UUID `x-request-id`, the region,
    the rate-limit counters, no openai-* headers."""
    out: list[tuple[str, str]] = []
    for name, value in headers:
        if name == "x-request-id":
            rid = _uuid(value)
            out += [("apim-request-id", rid), ("x-request-id", rid)]
        elif not name.startswith("openai-"):
            out.append((name, value))
    out.append(("x-ms-region", "East US"))
    if not error:
        out.append(("x-ms-rai-invoked", "true"))
    return out
