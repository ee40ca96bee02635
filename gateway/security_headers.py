"""Security headers on every gateway response: its own, problems, router 404s and proxied
answers alike. The gateway serves an API, so the page policy is "load nothing, frame nothing",
unless a response brings its own Content-Security-Policy (the `/docs` page does)."""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.types import Message, Scope

SECURITY_HEADERS = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("cross-origin-resource-policy", "same-site"),
)
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'"


_ENCODED = tuple(
    (name.encode(), value.encode())
    for name, value in (*SECURITY_HEADERS, ("content-security-policy", DEFAULT_CSP))
)


async def add_security_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook; a header the response already set is left as it is.

    Works on the raw header list (one pass to see what is there, then appends), as it runs
    for every response the gateway sends."""
    if message["type"] != "http.response.start":
        return
    headers = message.get("headers")
    if not isinstance(headers, list):
        headers = message["headers"] = list(headers or [])
    present = {name.lower() for name, _ in headers}
    headers.extend(pair for pair in _ENCODED if pair[0] not in present)


def install_security_headers(config: AppConfig) -> AppConfig:
    """`on_app_init` hook."""
    config.before_send = [*config.before_send, add_security_headers]
    return config


__all__ = ["DEFAULT_CSP", "SECURITY_HEADERS", "add_security_headers", "install_security_headers"]
