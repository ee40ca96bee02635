"""Routes the gateway answers itself: the data export and erasure (static `/me` routes win over
the proxy), the regional dashboard (platform_admin only, null for a service without figures)
and the open-data index — against fake services, in process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from gateway.dashboard import build_dashboard, combine
from gateway.fanout import Answer, ServiceFanout
from gateway.tenants import DEMO_TENANTS
from tests.unit.gateway.conftest import FakeTenantDirectory, bearer, build_gateway, claims

Client = AsyncTestClient[Any]
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@dataclass
class FakeServices:
    """Every service behind one ASGI app: answers the routes it knows, 404 for the rest."""

    routes: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    seen: list[tuple[str, str, str]] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        auth = dict(scope["headers"]).get(b"authorization", b"").decode()
        self.seen.append((scope["method"], scope["path"], auth))
        status, body = self.routes.get((scope["method"], scope["path"]), (404, {"status": 404}))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": json.dumps(body).encode()})


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
async def client(dev_key_file: Path, services: FakeServices) -> AsyncIterator[Client]:
    app = build_gateway(dev_key_file, services, FakeTenantDirectory())
    async with AsyncTestClient(app) as test_client:
        yield test_client


def token(issuer: Any, **overrides: Any) -> dict[str, str]:
    return bearer(issuer.sign(claims(**overrides)))


async def test_export_is_answered_by_the_gateway_not_proxied_as_a_service_named_me(
    client: Client, services: FakeServices, issuer: Any
) -> None:
    services.routes[("GET", "/api/v1/uzhhorod/appeals/me/export")] = (
        200,
        {"data": {"appeals": [{"id": "a1"}]}, "retained": [{"what": "appeals", "reason": "law"}]},
    )
    services.routes[("GET", "/api/v1/uzhhorod/notify/me/export")] = (
        200,
        {"data": {"deliveries": []}, "retained": []},
    )
    headers = token(issuer, sub="citizen-7")

    response = await client.get("/api/v1/uzhhorod/me/export", headers=headers)

    assert response.status_code == 200, response.text
    export = response.json()
    assert export["subject"] == "citizen-7" and export["tenant"] == "uzhhorod"
    assert export["services"]["appeals"] == {"appeals": [{"id": "a1"}]}
    statuses = {e["service"]: e["status"] for e in export["manifest"]}
    assert statuses.pop("appeals") == statuses.pop("notify") == "included"
    # Every other service has no data-rights route yet, so it holds nothing personal.
    assert {"petitions", "budget", "queue", "payments"} <= set(statuses)
    assert set(statuses.values()) == {"nothing held"}
    assert export["complete"] is True
    assert export["retained"] == [{"service": "appeals", "what": "appeals", "reason": "law"}]
    # Each service was asked with the caller's own token, for this council only.
    assert all(auth == headers["Authorization"] for _, _, auth in services.seen)
    assert all(path.startswith("/api/v1/uzhhorod/") for _, path, _ in services.seen)
    assert not any(path.startswith("/api/v1/uzhhorod/me") for _, path, _ in services.seen)


async def test_export_needs_a_token_even_though_it_is_a_get(
    client: Client, services: FakeServices
) -> None:
    response = await client.get("/api/v1/uzhhorod/me/export")
    assert response.status_code == 401
    assert services.seen == []


async def test_export_of_an_unknown_council_is_404(client: Client, issuer: Any) -> None:
    response = await client.get("/api/v1/atlantis/me/export", headers=token(issuer))
    assert response.status_code == 404


async def test_a_failing_service_marks_the_export_incomplete_not_empty(
    client: Client, services: FakeServices, issuer: Any
) -> None:
    services.routes[("GET", "/api/v1/uzhhorod/appeals/me/export")] = (500, {"status": 500})
    export = (await client.get("/api/v1/uzhhorod/me/export", headers=token(issuer))).json()
    appeals = next(e for e in export["manifest"] if e["service"] == "appeals")
    assert appeals["status"] == "unavailable" and export["complete"] is False


async def test_erase_asks_every_service_and_reports_what_is_retained(
    client: Client, services: FakeServices, issuer: Any
) -> None:
    services.routes[("DELETE", "/api/v1/kamianske/appeals/me")] = (
        200,
        {"erased": {"idempotency_keys": 2}, "retained": [{"what": "appeals", "reason": "law"}]},
    )
    response = await client.delete("/api/v1/kamianske/me", headers=token(issuer))

    assert response.status_code == 200, response.text
    erasure = response.json()
    appeals = next(e for e in erasure["manifest"] if e["service"] == "appeals")
    assert appeals == {
        "service": "appeals",
        "status": "erased",
        "erased": {"idempotency_keys": 2},
        "retained": [{"what": "appeals", "reason": "law"}],
    }
    assert {m for m, _, _ in services.seen} == {"DELETE"}


async def test_dashboard_is_for_platform_admins_only(client: Client, issuer: Any) -> None:
    citizen = await client.get("/api/v1/platform/dashboard", headers=token(issuer))
    official = await client.get(
        "/api/v1/platform/dashboard",
        headers=token(issuer, roles=["official"], tenant="uzhhorod"),
    )
    anonymous = await client.get("/api/v1/platform/dashboard")
    assert (citizen.status_code, official.status_code, anonymous.status_code) == (403, 403, 401)


async def test_dashboard_aggregates_every_council_and_nulls_missing_services(
    client: Client, services: FakeServices, issuer: Any
) -> None:
    for slug, received in (("chernivtsi", 3), ("uzhhorod", 1)):
        services.routes[("GET", f"/api/v1/{slug}/appeals/stats")] = (
            200,
            {"tenant": slug, "received": received, "answered": 1, "answered_on_time": 1},
        )
    services.routes[("GET", "/api/v1/kamianske/appeals/stats")] = (503, {"status": 503})

    response = await client.get(
        "/api/v1/platform/dashboard", headers=token(issuer, roles=["platform_admin"])
    )

    assert response.status_code == 200, response.text
    board = response.json()
    by_slug = {t["slug"]: t["services"] for t in board["tenants"]}
    assert by_slug["chernivtsi"]["appeals"]["received"] == 3
    assert by_slug["kamianske"]["appeals"] is None
    assert by_slug["uzhhorod"]["petitions"] is None
    assert board["overall"]["appeals"]["received"] == 4
    assert board["overall"]["petitions"] is None
    assert board["availability"]["appeals"] == "ok"
    assert board["availability"]["petitions"] == "not available yet"


async def test_a_service_answering_for_all_councils_is_asked_once(
    client: Client, services: FakeServices, issuer: Any
) -> None:
    everyone = "chernivtsi,uzhhorod,kamianske"
    services.routes[("GET", "/api/v1/platform/notify/stats")] = (
        200,
        {"items": {slug: {"deliveries_sent": n} for n, slug in enumerate(everyone.split(","))}},
    )

    response = await client.get(
        "/api/v1/platform/dashboard", headers=token(issuer, roles=["platform_admin"])
    )

    board = response.json()
    assert board["overall"]["notify"] == {"deliveries_sent": 0 + 1 + 2}
    assert {t["slug"]: t["services"]["notify"] for t in board["tenants"]}["kamianske"] == {
        "deliveries_sent": 2
    }
    notify_calls = [path for _, path, _ in services.seen if "/notify/" in path]
    assert notify_calls == ["/api/v1/platform/notify/stats"]


def test_overall_percentages_are_recomputed_not_summed_and_medians_dropped() -> None:
    overall = combine(
        [
            {"answered": 10, "answered_on_time": 10, "answered_on_time_pct": 100.0},
            {"answered": 30, "answered_on_time": 0, "answered_on_time_pct": 0.0},
            None,
            {"median_wait_minutes": 12, "answered": 0, "answered_on_time": 0},
        ]
    )
    assert overall == {"answered": 40, "answered_on_time": 10, "answered_on_time_pct": 25.0}


def test_dashboard_of_an_unreachable_service_says_so() -> None:
    tenants = DEMO_TENANTS[:1]
    board = build_dashboard(tenants, {"queue": [Answer("queue", None, error="ConnectError")]}, NOW)
    assert board["tenants"][0]["services"] == {"queue": None}
    assert board["availability"] == {"queue": "unreachable"}


async def test_open_data_index_is_public_and_not_proxied(
    client: Client, services: FakeServices
) -> None:
    response = await client.get("/api/v1/chernivtsi/open-data")

    assert response.status_code == 200, response.text
    items = {d["id"]: d for d in response.json()["items"]}
    assert items["appeals-by-month"]["formats"]["csv"] == (
        "/api/v1/chernivtsi/appeals/open-data/appeals-by-month.csv"
    )
    assert items["petitions"]["formats"]["json"] == (
        "/api/v1/chernivtsi/petitions/open-data/petitions.json"
    )
    assert services.seen == []
    assert (await client.get("/api/v1/atlantis/open-data")).status_code == 404


async def test_other_paths_of_a_council_still_reach_their_service(
    client: Client, services: FakeServices, issuer: Any
) -> None:
    services.routes[("GET", "/api/v1/uzhhorod/appeals/me/export")] = (200, {"direct": True})
    response = await client.get("/api/v1/uzhhorod/appeals/me/export", headers=token(issuer))
    assert response.json() == {"direct": True}


def test_a_second_name_of_the_same_deployment_is_asked_once() -> None:
    fanout = ServiceFanout(
        {"appeals": "http://a:1/", "open311": "http://a:1", "notify": "http://n:1"}
    )
    assert list(fanout.services) == ["appeals", "notify"]
