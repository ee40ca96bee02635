"""The problem answers (RFC 9457, `application/problem+json`) each operation of the merged
document may give, declared so that clients and contract fuzzers (schemathesis) know them.

Every service answers failures through the chassis' problem handlers, never with Litestar's
default `{"status_code", "detail", "extra"}` JSON, which Litestar nevertheless writes into each
service's document as the 400 answer. And some answers come from the edge, not the service:
401 for a bad token, 404 for an unknown council, 413 for a body over the limit, 429 for a
spent budget, 502/503/504 when a service is down. So the merged document (what the gateway
serves) replaces that default 400 and adds the rest by rules on the operation's shape. A
response a route declares with a body of its own (Open311's error list) is left as it is; one
declared without a body (a route's own 409) gets the problem body.

Pure functions: no I/O, the inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_SCHEMA_NAME = "Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
_WHY = {
    400: "Malformed request: syntax, a parameter of the wrong type, a missing header.",
    401: "No valid bearer token (a token that is sent is always checked).",
    403: "The caller's role may not do this in this council.",
    404: "No such council, or no such record visible to the caller.",
    409: "The record's current state does not allow this change.",
    413: "The body is over the size limit.",
    415: "The body's media type is not accepted here.",
    422: "A field is invalid; `errors` names it.",
    429: "A rate limit is spent; `Retry-After` says when to ask again.",
    502: "The service behind the gateway failed to answer properly.",
    503: "The service is unavailable (restarting, or its circuit breaker is open).",
    504: "The service did not answer in time.",
}
# Litestar's default 400 answer, written into every route that takes input.
_LITESTAR_DEFAULT_400 = "Validation Exception"
_WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def problem_statuses(path: str, method: str, operation: Mapping[str, Any]) -> list[int]:
    """The problem statuses an operation may answer, by the shape of its path and method."""
    statuses = {401, 403, 429, 502, 503, 504}
    has_input = bool(operation.get("parameters")) or "requestBody" in operation or "{" in path
    if has_input:
        statuses |= {400, 422}
    if "{" in path:  # an unknown council or record
        statuses.add(404)
    if method in _WRITE_METHODS:
        statuses |= {409, 413, 415}
    return sorted(statuses)


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": _WHY[status],
        "content": {
            PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"}}
        },
    }


def _is_litestar_default(response: Any) -> bool:
    if not isinstance(response, Mapping):
        return False
    for media in (response.get("content") or {}).values():
        schema = media.get("schema") if isinstance(media, Mapping) else None
        if isinstance(schema, Mapping) and schema.get("description") == _LITESTAR_DEFAULT_400:
            return True
    return False


def with_problem_responses(path: str, method: str, operation: Any) -> Any:
    """A copy of `operation` declaring its problem answers (its own declarations kept)."""
    if not isinstance(operation, Mapping):
        return operation
    responses = {
        status: response
        for status, response in (operation.get("responses") or {}).items()
        if not _is_litestar_default(response)
    }
    for status, response in list(responses.items()):
        # A route may declare a status of its own (`ResponseSpec(None, description=...)`): the
        # answer is a problem document all the same.
        bare = isinstance(response, Mapping) and not response.get("content")
        if str(status)[:1] in "45" and bare:
            responses[status] = {**response, "content": _problem_response(int(status))["content"]}
    for status in problem_statuses(path, method, operation):
        declared = responses.get(str(status))
        if not isinstance(declared, Mapping):
            responses[str(status)] = _problem_response(status)
        elif PROBLEM_MEDIA_TYPE not in (declared.get("content") or {}):
            # The route answers in a format of its own (Open311's error list); the gateway's
            # answer with the same status (a bad token, a spent budget) is still a problem.
            content = {**declared["content"], **_problem_response(status)["content"]}
            responses[str(status)] = {**declared, "content": content}
    return {**operation, "responses": dict(sorted(responses.items()))}


__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_SCHEMA",
    "PROBLEM_SCHEMA_NAME",
    "problem_statuses",
    "with_problem_responses",
]
