"""The contract's error shape, `{"error": {"code", "message"}}`, raised by handlers and answered by routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalice import Response

from chalicelib.domain.messages import error_words

JSON = {"Content-Type": "application/json"}


@dataclass
class ApiError(Exception):
    """An answer other than success: the status, a stable code and a message that names no one."""

    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, dict[str, Any]]:
        return error_body(self.code, self.message)


def error_body(code: str, message: str) -> dict[str, dict[str, Any]]:
    """The contract's shape; `messages` (added) says what the code means in Vietnamese and English,
    while `message` keeps the detail as it always was."""
    return {"error": {"code": code, "message": message, "messages": error_words(code).as_dict()}}


def error_response(error: ApiError, headers: dict[str, str] | None = None) -> Response:
    """The one way an ApiError becomes an HTTP answer, for every route: its status, JSON in the
    contract's shape, `headers` (a route's own, such as no-store) and then the error's own."""
    return Response(body=error.body(), status_code=error.status, headers={**JSON, **(headers or {}), **error.headers})


def bad_input(name: str, reason: str) -> ApiError:
    """400 naming the field, so a client knows what to correct."""
    return ApiError(400, "bad_input", f"{name}: {reason}")


def unauthorized(message: str = "sign in again: the token is missing, expired or not valid") -> ApiError:
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": 'Bearer realm="bhxh"'})


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def conflict(message: str) -> ApiError:
    """409: the thing is not in a state that allows this."""
    return ApiError(409, "conflict", message)


def too_many(retry_after_s: int) -> ApiError:
    seconds = max(1, int(retry_after_s))
    return ApiError(
        429, "too_many_requests", f"too many requests: try again in {seconds} s", {"Retry-After": str(seconds)}
    )
