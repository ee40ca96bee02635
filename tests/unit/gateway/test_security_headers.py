"""Security headers on every gateway response: proxied answers, problems, router 404s and the
gateway's own routes; a response's own Content-Security-Policy is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from gateway.security_headers import DEFAULT_CSP
from tests.unit.gateway.conftest import FakeUpstream, build_gateway

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "cross-origin-resource-policy": "same-site",
}


def assert_hardened(response: Any, csp: str = DEFAULT_CSP) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    assert response.headers["content-security-policy"] == csp


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/uzhhorod/appeals/A-1", 200),  # proxied
        ("GET", "/api/v1/lviv/appeals", 404),  # problem from the proxy
        ("GET", "/nothing/here", 404),  # router 404
        ("POST", "/api/v1/uzhhorod/appeals", 401),  # problem from edge auth
        ("GET", "/health/live", 200),  # the gateway's own route
    ],
)
async def test_every_response_carries_the_security_headers(
    gateway: AsyncTestClient[Any], method: str, path: str, status: int
) -> None:
    response = await gateway.request(method, path)

    assert response.status_code == status
    assert_hardened(response)


async def test_a_responses_own_content_security_policy_is_kept(dev_key_file: Path) -> None:
    own = "default-src 'self'; script-src 'self'"
    upstream = FakeUpstream(extra_headers=[(b"content-security-policy", own.encode())])

    async with AsyncTestClient(build_gateway(dev_key_file, upstream)) as gateway:
        response = await gateway.get("/api/v1/uzhhorod/appeals/A-1")

    assert_hardened(response, csp=own)
