"""Security headers on every gateway response: its own, problems, router 404s and proxied
answers alike. The gateway serves an API, so the page policy is "load nothing, frame nothing",
unless a response brings its own Content-Security-Policy (the `/docs` page does)."""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

SECURITY_HEADERS = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("cross-origin-resource-policy", "same-site"),
)
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'"


async def add_security_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook; a header the response already set is left as it is."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS:
        if name not in headers:
            headers[name] = value
    if "content-security-policy" not in headers:
        headers["content-security-policy"] = DEFAULT_CSP


def install_security_headers(config: AppConfig) -> AppConfig:
    """`on_app_init` hook."""
    config.before_send = [*config.before_send, add_security_headers]
    return config


__all__ = ["DEFAULT_CSP", "SECURITY_HEADERS", "add_security_headers", "install_security_headers"]
