"""The edge's auth rule: reads may be anonymous, changes need a valid bearer token, and a token
that is sent is always checked. Services verify the same token again themselves."""

from __future__ import annotations

from chassis.auth import JwtVerifier, Principal
from chassis.logging import get_logger
from chassis.problems import Problem

log = get_logger("gateway.auth")

ANONYMOUS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _rejected(reason: str, detail: str) -> Problem:
    # Only the reason is logged, never the token or its claims.
    log.info("auth.rejected", reason=reason)
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="hromada"'})


async def authenticate_at_edge(
    method: str, authorization: str | None, verifier: JwtVerifier
) -> Principal | None:
    """The verified caller, None for an anonymous read, or a 401 problem."""
    if not authorization:
        if method.upper() in ANONYMOUS_METHODS:
            return None
        raise _rejected("missing_token", "A bearer token is required for this request.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _rejected("not_bearer", "Only bearer tokens are accepted.")
    try:
        return await verifier.verify(token.strip())
    except Problem as problem:
        if problem.status == 401:
            log.info("auth.rejected", reason=problem.detail)
        raise
