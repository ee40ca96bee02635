"""Councils as tenants on the real stack, through the gateway: a platform administrator onboards
a new council and a citizen files an appeal there in the same test; the registered event is on
Kafka; deactivating makes the council read-only (423 on changes, reads still answer); citizens
and officials may not manage councils."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import appeal_body
from tests.stack import Gateway, assert_problem, topic_records

pytestmark = pytest.mark.e2e
PLATFORM = "/api/v1/platform/tenants"
TOPIC = "hromada.platform.tenant"


def send(gateway: Gateway, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request, repeated while another engineer restarts a component (503/502, refused)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            response = gateway.http.request(method, path, **kwargs)
            if response.status_code not in (502, 503) or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def tenant_events(slug: str, wanted: int, timeout_s: float = 30.0) -> list[dict[str, Any]]:
    """The envelopes on the tenant topic about `slug`, read from the start."""
    records = topic_records(TOPIC, slug, wanted, timeout_s)
    for key, _ in records:
        assert key == f"{slug}:{slug}".encode()
    return [envelope for _, envelope in records]


@pytest.fixture
def slug() -> str:
    return f"p1-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def admin(gateway: Gateway, slug: str) -> dict[str, str]:
    token = gateway.token(sub=f"cdto-{slug}", name="CDTO", roles=["platform_admin"])
    return {"Authorization": f"Bearer {token}"}


def council(slug: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": slug,
        "name": {"uk": "Тестова сільська рада", "en": "Test Village Council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {"petition_threshold": 75, "budget_votes_per_voter": 2},
    }
    body.update(overrides)
    return body


def test_a_council_is_onboarded_serves_an_appeal_at_once_and_becomes_read_only(
    gateway: Gateway, admin: dict[str, str], slug: str
) -> None:
    created = send(gateway, "POST", PLATFORM, json=council(slug), headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["settings"]["petition_threshold"] == 75
    assert created.json()["settings"]["budget_min_voter_age"] == 16  # default filled in

    citizen = gateway.citizen(f"citizen-{slug}")
    filed = send(gateway, "POST", f"/api/v1/{slug}/appeals", json=appeal_body(), headers=citizen)
    assert filed.status_code == 201, filed.text
    appeal = filed.json()

    (registered,) = tenant_events(slug, wanted=1)
    assert registered["type"] == "platform.tenant.registered.v1"
    assert registered["tenant"] == slug
    assert registered["data"]["name"] == {
        "uk": "Тестова сільська рада",
        "en": "Test Village Council",
    }
    assert registered["data"]["settings"]["budget_votes_per_voter"] == 2
    assert registered["data"]["active"] is True

    closed = send(gateway, "PATCH", f"{PLATFORM}/{slug}", json={"active": False}, headers=admin)
    assert closed.status_code == 200, closed.text
    assert closed.json()["active"] is False

    refused = send(gateway, "POST", f"/api/v1/{slug}/appeals", json=appeal_body(), headers=citizen)
    problem = assert_problem(refused, 423)
    assert "лише для читання" in problem["detail"] and "read-only" in problem["detail"]
    own = send(gateway, "GET", f"/api/v1/{slug}/appeals/{appeal['id']}", headers=citizen)
    assert own.status_code == 200, own.text
    assert own.json()["number"] == appeal["number"]
    missing = send(gateway, "GET", f"/api/v1/{slug}/appeals/{uuid.uuid4()}", headers=citizen)
    assert missing.status_code == 404

    public = send(gateway, "GET", PLATFORM).json()["items"]
    assert slug not in [t["slug"] for t in public]
    listed = send(gateway, "GET", PLATFORM, headers=admin).json()["items"]
    assert next(t for t in listed if t["slug"] == slug)["active"] is False

    events = tenant_events(slug, wanted=2)
    assert [e["type"] for e in events] == [
        "platform.tenant.registered.v1",
        "platform.tenant.updated.v1",
    ]
    assert events[1]["data"]["active"] is False


@pytest.mark.parametrize("role", ["citizen", "official", "tenant_admin"])
def test_citizens_and_council_staff_may_not_manage_councils(
    gateway: Gateway, admin: dict[str, str], slug: str, role: str
) -> None:
    claims: dict[str, Any] = {"sub": f"{role}-{slug}", "roles": [role]}
    if role != "citizen":
        claims["tenant"] = "chernivtsi"
    caller = {"Authorization": f"Bearer {gateway.token(**claims)}"}

    assert_problem(send(gateway, "POST", PLATFORM, json=council(slug), headers=caller), 403)
    patched = send(
        gateway, "PATCH", f"{PLATFORM}/chernivtsi", json={"active": False}, headers=caller
    )
    assert_problem(patched, 403)
    assert_problem(send(gateway, "POST", PLATFORM, json=council(slug)), 401)

    # Nothing was created or changed by the refused calls.
    assert_problem(send(gateway, "GET", f"{PLATFORM}/{slug}", headers=admin), 404)
    chernivtsi = send(gateway, "GET", f"{PLATFORM}/chernivtsi", headers=admin).json()
    assert chernivtsi["active"] is True


def test_bad_and_duplicate_councils_are_refused(
    gateway: Gateway, admin: dict[str, str], slug: str
) -> None:
    def onboard(**overrides: Any) -> httpx.Response:
        return send(gateway, "POST", PLATFORM, json={**council(slug), **overrides}, headers=admin)

    assert_problem(onboard(slug="docs"), 422, "slug")
    assert_problem(onboard(timezone="Europe/Nowhere"), 422, "timezone")
    assert_problem(onboard(settings={"petition_treshold": 1}), 422, "settings.petition_treshold")
    assert_problem(send(gateway, "GET", f"{PLATFORM}/{slug}", headers=admin), 404)

    assert onboard().status_code == 201
    assert_problem(onboard(name={"uk": "Інша"}), 409, "slug")
    assert send(gateway, "GET", f"{PLATFORM}/{slug}").json()["name"]["uk"] == (
        "Тестова сільська рада"
    )
