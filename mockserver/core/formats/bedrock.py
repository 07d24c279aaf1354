"""What Bedrock Runtime's two formats share: model ids, auth, errors, headers, exceptions.

    bedrock_converse.py   POST /model/{modelId}/converse, /converse-stream
    bedrock_invoke.py     POST /model/{modelId}/invoke, /invoke-with-response-stream
    eventstream.py        the binary framing of both streams

Errors are Bedrock's: the body is `{"message": ...}` and the exception's name travels in the
`x-amzn-errortype` header (`ValidationException:http://internal.amazon.com/coral/...`), which
botocore reads for `ClientError.response["Error"]["Code"]`. Requests are signed with SigV4;
the signature is accepted unchecked. With `--api-key`, a Bedrock API key
(`Authorization: Bearer <key>`) must match, and a request with neither gets 403
`MissingAuthenticationTokenException`. Stream payloads carry Bedrock's padding field `p`
(a prefix of `abc...XYZ0-9` of random length, against length side channels), drawn from the
seed. Model ids: docs/formats.md, "Bedrock Runtime".
"""

from __future__ import annotations

import hashlib
import re
import string
import uuid
from collections.abc import Mapping
from random import Random
from typing import Any

from mockserver.core.content import Call
from mockserver.core.events import Event
from mockserver.core.formats.drafts import default_error_message
from mockserver.core.models import ModelInfo
from mockserver.errors import ApiError

__all__ = [
    "BEDROCK_MODELS", "RETIRED_MODELS", "EXCEPTIONS", "bedrock_model_info", "base_model_id",
    "bedrock_unknown_model", "bedrock_gate", "bedrock_error_type", "bedrock_error_body",
    "bedrock_error_headers", "bedrock_headers", "exception_event", "bedrock_error_event",
    "padding", "sorted_payload", "is_anthropic", "anthropic_model_name", "tool_use_id",
    "STOP_REASONS", "coral_error",
]

#: the usual on-demand model ids (region prefixes `us.`, `eu.`, `apac.`, `global.`... and
#: `arn:aws:bedrock:...:foundation-model/` or `inference-profile/` ARNs are accepted around them)
BEDROCK_MODELS = (
    "anthropic.claude-opus-4-5-20251101-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-opus-4-1-20250805-v1:0",
    "anthropic.claude-opus-4-20250514-v1:0", "anthropic.claude-sonnet-4-20250514-v1:0",
    "anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "amazon.nova-premier-v1:0", "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0",
    "amazon.nova-micro-v1:0", "amazon.titan-text-express-v1",
    "meta.llama3-1-8b-instruct-v1:0", "meta.llama3-1-70b-instruct-v1:0",
    "meta.llama3-3-70b-instruct-v1:0", "meta.llama4-maverick-17b-instruct-v1:0",
    "mistral.mistral-large-2407-v1:0", "mistral.mistral-small-2402-v1:0",
    "cohere.command-r-plus-v1:0", "cohere.command-r-v1:0",
    "openai.gpt-oss-120b-1:0", "openai.gpt-oss-20b-1:0",
    "deepseek.r1-v1:0", "qwen.qwen3-coder-480b-a35b-v1:0",
)
#: ids Bedrock answers with 404 ResourceNotFoundException "...reached the end of its life."
RETIRED_MODELS = ("anthropic.claude-v2", "anthropic.claude-v2:1", "anthropic.claude-instant-v1")
_PREFIX = re.compile(r"^(?:arn:aws[\w-]*:bedrock:[\w-]*:\d*:(?:foundation-model|"
                     r"inference-profile|application-inference-profile)/)?"
                     r"(?:(?:us|eu|apac|global|us-gov|jp|au|ca)\.)?")
_VERSION = re.compile(r"-v\d+(?::\d+)?$")
_PADDING = string.ascii_lowercase + string.ascii_uppercase + string.digits
_CORAL = "http://internal.amazon.com/coral/com.amazon.bedrock/"

#: Content.finish_reason -> Converse stopReason
STOP_REASONS = {"stop": "end_turn", "tool_calls": "tool_use", "function_call": "tool_use",
                "length": "max_tokens", "content_filter": "content_filtered"}

_TYPES = {
    400: "ValidationException", 403: "AccessDeniedException", 404: "ResourceNotFoundException",
    408: "ModelTimeoutException", 424: "ModelErrorException", 429: "ThrottlingException",
    500: "InternalServerException", 503: "ServiceUnavailableException",
}
_MESSAGES = {
    400: "Malformed input request, please reformat your input and try again.",
    403: "You don't have access to the model with the specified model ID.",
    404: "The requested resource could not be found.",
    408: "Model has timed out in processing the request. Try your request again.",
    424: "The model returned an error. Try your request again.",
    429: "Too many requests, please wait before trying again.",
    500: "The system encountered an unexpected error during processing. Try your request again.",
    503: "Bedrock is unable to process your request.",
}
#: the exceptions a stream can end with (ConverseStreamOutput / ResponseStream members) and
#: the message each carries
EXCEPTIONS = {
    "throttlingException": _MESSAGES[429],
    "modelStreamErrorException": "The model stream encountered an error. Retry your request.",
    "validationException": "The model returned the following errors: Input is too long for "
                           "requested model.",
    "internalServerException": _MESSAGES[500],
    "serviceUnavailableException": _MESSAGES[503],
    "modelTimeoutException": _MESSAGES[408],
}


def base_model_id(model_id: str) -> str:
    """The foundation model id inside an ARN or a cross-region profile id."""
    return _PREFIX.sub("", model_id, count=1)


def is_anthropic(model_id: str) -> bool:
    base = base_model_id(model_id)
    return base.startswith(("anthropic.", "claude"))


def anthropic_model_name(model_id: str) -> str:
    """`anthropic.claude-sonnet-4-5-20250929-v1:0` -> `claude-sonnet-4-5-20250929`, the
    name Bedrock's Anthropic answers carry."""
    base = base_model_id(model_id).removeprefix("anthropic.")
    return _VERSION.sub("", base)


def bedrock_model_info(model_id: str) -> ModelInfo | None:
    """A usual Bedrock model id (bare, region-prefixed or as an ARN), else None."""
    base = base_model_id(model_id)
    if base not in BEDROCK_MODELS:
        return None
    kind = "embedding" if ".titan-embed" in base else "chat"
    return ModelInfo(model_id, owned_by=base.split(".", 1)[0], kind=kind)


def bedrock_unknown_model(model_id: str) -> ApiError:
    """What Bedrock answers for a model id it cannot resolve (or a retired one)."""
    if base_model_id(model_id) in RETIRED_MODELS:
        return ApiError(404, "This model version has reached the end of its life. Please refer "
                        "to the AWS documentation for more details.",
                        type="ResourceNotFoundException")
    return ApiError(400, "The provided model identifier is invalid.", type="ValidationException")


def bedrock_gate(api_key: str | None, headers: Mapping[str, str],
                 query: Mapping[str, str]) -> None:
    """SigV4 (`Authorization: AWS4-HMAC-SHA256 ...`) is accepted unchecked; with `--api-key`
    a Bearer API key must match, and a request with neither is refused."""
    if api_key is None:
        return
    auth = headers.get("authorization", "")
    if auth.startswith("AWS4-HMAC-SHA256 "):
        return
    if auth.lower().startswith("bearer "):
        if auth[7:].strip() == api_key:
            return
        raise ApiError(403, "The security token included in the request is invalid.",
                       type="UnrecognizedClientException")
    raise ApiError(403, "Missing Authentication Token", type="MissingAuthenticationTokenException")


def bedrock_error_type(status: int, given: str | None = None) -> str:
    """The exception name for a status; an explicit `...Exception` name is kept."""
    if given and given.endswith("Exception"):
        return given
    return _TYPES.get(status, "InternalServerException" if status >= 500 else
                      "ValidationException")


def bedrock_error_body(status: int, message: str, type: str, code: str | None,
                       param: str | None, request_id: str) -> dict[str, Any]:
    """`{"message": ...}`; OpenAI's default wording becomes Bedrock's for the same status."""
    if message == default_error_message(status):
        message = _MESSAGES.get(status, message)
    return {"message": message}


def bedrock_error_headers(status: int, type: str) -> list[tuple[str, str]]:
    return [("x-amzn-errortype", f"{bedrock_error_type(status, type)}:{_CORAL}")]


def _uuid(text: str) -> str:
    """A request id in AWS's form (a UUID), derived from the seeded one."""
    return str(uuid.UUID(bytes=hashlib.md5(text.encode()).digest()))


def bedrock_headers(headers: list[tuple[str, str]], error: bool) -> list[tuple[str, str]]:
    """`x-amzn-requestid`, no openai-* or rate-limit headers; the model's own content type
    of a streamed invoke in `x-amzn-bedrock-content-type`."""
    out: list[tuple[str, str]] = []
    for name, value in headers:
        if name == "x-request-id":
            out.append(("x-amzn-requestid", _uuid(value)))
        elif name == "content-type":
            out.append((name, "application/json" if value.startswith("application/json")
                        else value))
        elif not name.startswith(("openai-", "x-ratelimit-")):
            out.append((name, value))
    return out


def padding(rng: Random) -> str:
    """Bedrock's `p`: a prefix of a-zA-Z0-9 of random length."""
    return _PADDING[: rng.randint(1, len(_PADDING))]


def sorted_payload(obj: Any) -> Any:
    """Keys sorted at every level, as Bedrock's serializer writes them (`p` among them)."""
    if isinstance(obj, dict):
        return {key: sorted_payload(obj[key]) for key in sorted(obj)}
    if isinstance(obj, list):
        return [sorted_payload(item) for item in obj]
    return obj


def exception_event(type: str, message: str | None = None) -> Event:
    """An exception message of the stream (`:message-type: exception`)."""
    payload: dict[str, Any] = {"message": message or EXCEPTIONS.get(type, _MESSAGES[500])}
    if type == "modelStreamErrorException":
        payload = {"message": payload["message"], "originalMessage": "Internal server error",
                   "originalStatusCode": 500}
    return Event(payload=payload, event=type, kind="error")


def bedrock_error_event(shape: str, at: int, before: list[Event]) -> Event:
    """The in-stream error of `error_event` on Bedrock: a `modelStreamErrorException`."""
    return exception_event("modelStreamErrorException")


def tool_use_id(call: Call) -> str:
    """`tooluse_` + 22 characters from the call's seeded id (a scripted id is kept)."""
    return "tooluse_" + call.id[5:27] if call.id.startswith("call_") else call.id


def coral_error(path: str, value: Any, constraint: str) -> ApiError:
    """AWS's field validation wording (member indexes 1-based)."""
    shown = "null" if value is None else f"'{value}'"
    return ApiError(400, f"1 validation error detected: Value {shown} at '{path}' failed to "
                    f"satisfy constraint: Member {constraint}", type="ValidationException")
