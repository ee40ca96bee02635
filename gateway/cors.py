"""CORS per council: a browser app may call `/api/v1/{tenant}/...` only from an origin in
that council's `settings.cors_origins`.

The gateway answers preflights itself (services never see them): an allowed origin gets 204
with what it may send, any other origin a 403 problem without CORS headers. Actual responses
to an allowed origin carry `Access-Control-Allow-Origin` with that exact origin, never `*`.
Credentials (cookies) are never allowed: the API authenticates with bearer tokens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from litestar.config.app import AppConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from chassis.logging import get_logger
from chassis.problems import PROBLEM_MEDIA_TYPE, Problem
from gateway.tenants import TenantDirectory, is_tenant_slug

log = get_logger("gateway.cors")

TENANT_API = re.compile(r"^/api/v1/([^/]+)/")
ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-ID"
# What a browser app may read from a response besides the simple headers.
EXPOSED_HEADERS = "Location, Retry-After, X-Request-ID"


def normalized_origin(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def is_allowed_origin(origin: str | None, allowed: Iterable[str]) -> bool:
    """Exact match against the council's list; `*` or `null` never match anything."""
    if not origin or origin.strip() in ("*", "null"):
        return False
    wanted = normalized_origin(origin)
    return any(normalized_origin(a) == wanted for a in allowed if a.strip() != "*")


def preflight_headers(origin: str, max_age_s: int) -> list[tuple[str, str]]:
    return [
        ("access-control-allow-origin", origin),
        ("access-control-allow-methods", ALLOWED_METHODS),
        ("access-control-allow-headers", ALLOWED_HEADERS),
        ("access-control-max-age", str(max_age_s)),
        ("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
    ]


def response_headers(origin: str) -> list[tuple[str, str]]:
    return [
        ("access-control-allow-origin", origin),
        ("access-control-expose-headers", EXPOSED_HEADERS),
    ]


def tenant_of(path: str) -> str | None:
    """The council slug a path names, if it is a council's API path."""
    match = TENANT_API.match(path)
    return match.group(1) if match and is_tenant_slug(match.group(1)) else None


class CorsPolicy:
    """ASGI middleware applying each council's allowlist (read through the tenant cache)."""

    def __init__(self, tenants: TenantDirectory, max_age_s: int = 600) -> None:
        self.tenants = tenants
        self.max_age_s = max_age_s

    def install(self, config: AppConfig) -> AppConfig:
        """`on_app_init` hook: add the middleware (after the request-id one)."""
        config.middleware = [*config.middleware, self.middleware]
        return config

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def cors(scope: Scope, receive: Receive, send: Send) -> None:
            slug = tenant_of(scope["path"]) if scope["type"] == "http" else None
            if slug is None:
                await app(scope, receive, send)
                return
            origin, asks_preflight = _origin_of(scope["headers"])
            allowed = origin if origin and await self._allows(slug, origin) else None
            method = scope.get("method")
            if method == "OPTIONS" and origin and asks_preflight:
                await self._answer_preflight(scope, send, allowed)
                return
            extra = response_headers(allowed) if allowed else []
            await app(scope, receive, _with_headers(send, extra))

        return cors

    async def _allows(self, slug: str, origin: str) -> bool:
        find = getattr(self.tenants, "find", None) or self.tenants.find_active
        try:
            tenant = await find(slug)
        except Problem:
            return False  # registry down: no grant; the request itself gets the 503
        if tenant is None:
            return False
        settings = tenant.settings
        origins = (
            settings.get("cors_origins")
            if isinstance(settings, dict)
            else getattr(settings, "cors_origins", None)
        )
        return is_allowed_origin(origin, origins or [])

    async def _answer_preflight(self, scope: Scope, send: Send, origin: str | None) -> None:
        if origin is None:
            log.info("cors.denied", origin_given=True)
            problem = Problem(
                403,
                "Цьому вебсайту не дозволено звертатися до API громади. "
                "This origin may not call the council's API.",
            )
            body = json.dumps(problem.to_dict(scope["path"])).encode()
            await _send_response(send, 403, [("content-type", PROBLEM_MEDIA_TYPE)], body)
            return
        await _send_response(send, 204, preflight_headers(origin, self.max_age_s), b"")


def _origin_of(raw: Iterable[tuple[bytes, bytes]]) -> tuple[str | None, bool]:
    """`Origin`, and whether `Access-Control-Request-Method` is present: one pass over the raw
    headers, nothing else decoded (this runs for every council API request)."""
    origin: str | None = None
    asks_preflight = False
    for name, value in raw:
        lowered = name.lower()
        if lowered == b"origin":
            origin = value.decode("latin-1")
        elif lowered == b"access-control-request-method":
            asks_preflight = True
    return origin, asks_preflight


def _with_headers(send: Send, extra: list[tuple[str, str]]) -> Send:
    """Adds the CORS headers (if any) and `Vary: Origin` to the response start."""
    encoded = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in extra]

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers")
            if not isinstance(headers, list):
                headers = message["headers"] = list(headers or [])
            names = {name for name, _ in encoded}
            headers[:] = [(k, v) for k, v in headers if k.lower() not in names]
            headers.extend(encoded)
            _add_vary_origin(headers)
        await send(message)

    return sending


def _add_vary_origin(headers: list[tuple[bytes, bytes]]) -> None:
    for index, (name, value) in enumerate(headers):
        if name.lower() == b"vary":
            if not value:
                headers[index] = (name, b"Origin")
            elif b"origin" not in value.lower():
                headers[index] = (name, value + b", Origin")
            return
    headers.append((b"vary", b"Origin"))


async def _send_response(
    send: Send, status: int, headers: list[tuple[str, str]], body: bytes
) -> None:
    raw: Any = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


__all__ = [
    "ALLOWED_HEADERS",
    "CorsPolicy",
    "is_allowed_origin",
    "preflight_headers",
    "response_headers",
    "tenant_of",
]
