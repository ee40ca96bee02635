"""RFC 9457 problem+json: one exception type for domain and edge errors, and Litestar handlers
that turn every failure into a problem document (never a stack trace)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from pymongo.errors import ConnectionFailure

from chassis.logging import get_logger

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = get_logger("chassis.problems")

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    423: "Locked",
    429: "Too many requests",
    500: "Internal error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class Problem(Exception):
    """A failure a client should see: status, a short title, a detail, and field errors."""

    status: int
    detail: str = ""
    title: str = ""
    type: str = "about:blank"
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.title = self.title or _TITLES.get(self.status, "Error")

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail or self.title,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [{"field": e.field, "message": e.message} for e in self.errors]
        return body


def invalid(field_name: str, message: str, detail: str | None = None) -> Problem:
    """A 422 that names the offending field."""
    return Problem(
        422, detail or f"{field_name}: {message}", errors=[FieldError(field_name, message)]
    )


def problem_response(problem: Problem, instance: str | None = None) -> Response[Any]:
    return Response(
        content=problem.to_dict(instance),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


DATABASE_RETRY_AFTER_S = 5
_MSGSPEC_PATH = re.compile(r"at `\$\.?([^`]*)`")
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def _field_errors(extra: Any) -> list[FieldError]:
    """Litestar reports msgspec/pydantic failures as a list of {message, key, source}."""
    errors: list[FieldError] = []
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid"))
        # For a missing member Litestar names the body itself ("data"); msgspec's message
        # names the member, which is what the client needs to hear.
        named = _MISSING_FIELD.search(message) or _MSGSPEC_PATH.search(message)
        key = named.group(1) if named else item.get("key") or "body"
        errors.append(FieldError(str(key), message))
    return errors


def _on_problem(request: Request[Any, Any, Any], exc: Problem) -> Response[Any]:
    return problem_response(exc, request.url.path)


def _on_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = _field_errors(exc.extra)
    status = 422 if errors else 400
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors) or str(exc.detail)
    return problem_response(Problem(status, detail, errors=errors), request.url.path)


def _on_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    problem = Problem(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))
    if exc.status_code == 400 and exc.extra:
        problem.errors = _field_errors(exc.extra)
    return problem_response(problem, request.url.path)


def _on_database_unreachable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # Not a bug of ours and not the client's: say so, and when to retry. Whatever the request
    # meant to write was not acknowledged (a retry with the same Idempotency-Key is safe).
    log.warning("request.database_unreachable", path=request.url.path, error=type(exc).__name__)
    problem = Problem(
        503,
        "Сервіс тимчасово недоступний, спробуйте за кілька секунд. "
        "The service is briefly unavailable; try again in a few seconds.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
    )
    return problem_response(problem, request.url.path)


def _on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("request.failed", path=request.url.path, error=type(exc).__name__)
    problem = Problem(HTTP_500_INTERNAL_SERVER_ERROR, "An unexpected error occurred.")
    return problem_response(problem, request.url.path)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    Problem: _on_problem,
    # The database down or restarting (AutoReconnect, NetworkTimeout, server selection).
    ConnectionFailure: _on_database_unreachable,
    ValidationException: _on_validation,
    HTTPException: _on_http,
    Exception: _on_unexpected,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_MEDIA_TYPE",
    "FieldError",
    "Problem",
    "invalid",
    "problem_response",
]
