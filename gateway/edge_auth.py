"""The edge's auth rule: reads may be anonymous, changes need a valid bearer token, and a token
that is sent is always checked. Services verify the same token again themselves."""

from __future__ import annotations

import re

from chassis.auth import JwtVerifier, Principal
from chassis.logging import get_logger
from chassis.problems import Problem

log = get_logger("gateway.auth")

ANONYMOUS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Open311 clients file requests with the spec's `api_key` form field, not a bearer token; the
# appeals service checks the key (and a bearer token, when one is sent instead).
_OPEN311_FILING = re.compile(r"^/api/v1/[^/]+/open311/v2/requests\.(json|xml)$")
# A payment provider's server-to-server callback carries no bearer token: payments checks the
# provider's signature on it instead.
_PROVIDER_CALLBACK = re.compile(r"^/api/v1/[^/]+/payments/callbacks/[a-z0-9_-]+$")
# The air-raid alert integration authenticates with the council's webhook key (queue checks it).
_ALERT_WEBHOOK = re.compile(r"^/api/v1/[^/]+/queue/alerts/webhook$")
# Telegram's webhook carries the council's secret token header instead (the bot checks it).
_BOT_WEBHOOK = re.compile(r"^/api/v1/[^/]+/bot/telegram/webhook$")


def is_api_key_route(method: str, path: str) -> bool:
    return method.upper() == "POST" and bool(
        _OPEN311_FILING.match(path)
        or _PROVIDER_CALLBACK.match(path)
        or _ALERT_WEBHOOK.match(path)
        or _BOT_WEBHOOK.match(path)
    )


def _rejected(reason: str, detail: str) -> Problem:
    # Only the reason is logged, never the token or its claims.
    log.info("auth.rejected", reason=reason)
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="hromada"'})


async def authenticate_at_edge(
    method: str, authorization: str | None, verifier: JwtVerifier, path: str = ""
) -> Principal | None:
    """The verified caller, None for an anonymous read, or a 401 problem."""
    if not authorization:
        if method.upper() in ANONYMOUS_METHODS or is_api_key_route(method, path):
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
