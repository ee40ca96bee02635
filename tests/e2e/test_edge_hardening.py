"""Hardening at the edge on the running suite: the per-user limit on a sensitive flow (429
with Retry-After, then recovery), CORS per council, security headers, and the circuit breaker
that turns a stopped service into fast 503s and closes again when it is back."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import appeal_body
from tests.stack import Gateway, stack, wait_for

pytestmark = pytest.mark.e2e

APPEALS = "/api/v1/uzhhorod/appeals"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "cross-origin-resource-policy": "same-site",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


def call(
    gateway: Gateway, method: str, path: str, *, restarting: tuple[int, ...] = (502, 503), **kw: Any
) -> httpx.Response:
    """One request that rides out another engineer restarting the gateway or a service (a
    refused connection, or one of `restarting`), for up to a minute."""
    deadline = time.monotonic() + 60
    while True:
        try:
            response = gateway.http.request(method, path, **kw)
            if response.status_code not in restarting or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def assert_hardened(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.headers.get("x-request-id")


def test_the_21st_appeal_in_a_minute_is_429_and_the_limit_recovers(gateway: Gateway) -> None:
    run = uuid.uuid4().hex[:8]
    olena, petro = gateway.citizen(f"rl-olena-{run}"), gateway.citizen(f"rl-petro-{run}")
    # Windows are whole minutes; start early in one so all 21 requests fall into it.
    wait_for(lambda: time.time() % 60 < 30, timeout_s=35, interval_s=0.5, what="a fresh minute")

    filed = [call(gateway, "POST", APPEALS, json=appeal_body(), headers=olena) for _ in range(20)]
    refused = call(gateway, "POST", APPEALS, json=appeal_body(), headers=olena)
    other_citizen = call(gateway, "POST", APPEALS, json=appeal_body(), headers=petro)

    assert [r.status_code for r in filed] == [201] * 20, [r.text for r in filed[-1:]]
    assert_hardened(filed[0])
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "Забагато запитів" in refused.json()["detail"]
    assert "Too many requests" in refused.json()["detail"]
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert other_citizen.status_code == 201

    # Refused attempts spend nothing, so asking again now and then does not prolong the wait.
    def filed_again() -> httpx.Response | None:
        response = call(gateway, "POST", APPEALS, json=appeal_body(), headers=olena)
        return response if response.status_code == 201 else None

    wait_for(filed_again, timeout_s=retry_after + 15, interval_s=2, what="the limit to recover")


def test_a_problem_from_the_gateway_carries_the_security_headers(gateway: Gateway) -> None:
    response = call(gateway, "GET", "/api/v1/uzhhorod/no-such-service")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_hardened(response)


@pytest.fixture
def council_with_origin(gateway: Gateway) -> Iterator[tuple[str, str]]:
    """A new council whose settings allow one browser origin; deactivated afterwards."""
    slug, origin = f"edge-{uuid.uuid4().hex[:8]}", f"https://{uuid.uuid4().hex[:6]}.example.ua"
    admin = {"Authorization": f"Bearer {gateway.token(sub='edge-admin', roles=['platform_admin'])}"}
    created = call(
        gateway,
        "POST",
        "/api/v1/platform/tenants",
        json={
            "slug": slug,
            "name": {"uk": "Тестова громада", "en": "Test council"},
            "settings": {"cors_origins": [origin]},
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    yield slug, origin
    call(
        gateway, "PATCH", f"/api/v1/platform/tenants/{slug}", json={"active": False}, headers=admin
    )


def test_cors_preflight_is_allowed_only_for_the_councils_origins(
    gateway: Gateway, council_with_origin: tuple[str, str]
) -> None:
    slug, origin = council_with_origin
    path = f"/api/v1/{slug}/appeals"

    def preflight(from_origin: str) -> httpx.Response:
        return call(
            gateway,
            "OPTIONS",
            path,
            headers={
                "Origin": from_origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )

    allowed = wait_for(  # another gateway replica would see the new council within its cache
        lambda: (r := preflight(origin)).status_code == 204 and r, timeout_s=15, what="CORS"
    )
    denied = preflight("https://evil.example")
    # The same origin asking for another council, which did not allow it:
    uzhhorod = call(
        gateway,
        "OPTIONS",
        APPEALS,
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    actual = call(gateway, "GET", f"{path}/no-such-appeal", headers={"Origin": origin})

    assert allowed.headers["access-control-allow-origin"] == origin
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "Origin" in allowed.headers["vary"]
    assert_hardened(allowed)
    for response in (denied, uzhhorod):
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")
        assert not [h for h in response.headers if h.startswith("access-control-")]
    assert actual.headers["access-control-allow-origin"] == origin
    assert "Origin" in actual.headers["vary"]


def breaker_state(gateway: Gateway, service: str) -> float | None:
    metrics = call(gateway, "GET", "/metrics").text
    found = re.search(rf'gateway_circuit_breaker_state{{service="{service}"}} (\S+)', metrics)
    return float(found.group(1)) if found else None


def test_a_stopped_service_trips_the_breaker_and_it_closes_when_back(gateway: Gateway) -> None:
    path = "/api/v1/uzhhorod/petitions"
    answers: list[httpx.Response] = []
    try:
        stack("stop", "petitions")
        answers = [call(gateway, "GET", path, restarting=()) for _ in range(8)]
        state_while_down = breaker_state(gateway, "petitions")
    finally:
        stack("start", "petitions")

    assert [r.status_code for r in answers] == [503] * 8
    assert all(r.headers["content-type"].startswith("application/problem+json") for r in answers)
    from_breaker = [r for r in answers if "retry-after" in r.headers]
    # At most 5 connection failures (fewer if others' requests counted too), then fast 503s.
    assert len(from_breaker) >= 3
    assert answers[-1] in from_breaker and "petitions" in answers[-1].json()["detail"]
    assert state_while_down == 2

    def served() -> Any:
        response = call(gateway, "GET", path, restarting=())
        return response.status_code != 503 and response

    wait_for(served, timeout_s=60, interval_s=1, what="the breaker to close")
    assert breaker_state(gateway, "petitions") == 0
