"""Exceptions raised by mockserver, all under one base class.

MockServerError
├── ConfigError          a scenario, fault spec or option is invalid (names file and field)
│   ├── ScenarioError    a scenario document is invalid
│   └── FaultSpecError   a fault spec string or parameter is invalid
├── ApiError             a request the fake API rejects (carries status and OpenAI error body)
└── ServerError          the server thread failed (re-raised by `MockServer.check()`)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "MockServerError",
    "ConfigError",
    "ScenarioError",
    "FaultSpecError",
    "ApiError",
    "ServerError",
]


class MockServerError(Exception):
    """Base class of every error mockserver raises on purpose."""


class ConfigError(MockServerError, ValueError):
    """Invalid configuration. `where` names the file (or `<python>`) and `path` the field."""

    def __init__(self, message: str, *, where: str = "", path: str = "") -> None:
        self.where = where
        self.path = path
        self.detail = message
        prefix = ""
        if where:
            prefix += where
        if path:
            prefix += f"{': ' if where else ''}{path}"
        super().__init__(f"{prefix}: {message}" if prefix else message)


class ScenarioError(ConfigError):
    """A scenario document (Python dict, YAML or JSON) does not have the expected shape."""


class FaultSpecError(ConfigError):
    """A fault spec (`name(key=value); ...`) names an unknown fault or a bad parameter."""


class ApiError(MockServerError):
    """A request the fake API answers with an error, in the real API's error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})
        #: why, in a few words, for the server's log line (not sent: the API's wording stays)
        self.detail = detail

    def body(self) -> dict[str, Any]:
        """The OpenAI error body `{"error": {"message", "type", "param", "code"}}`."""
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


class ServerError(MockServerError):
    """An exception raised inside the server thread, re-raised in the test thread."""
