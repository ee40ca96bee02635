"""Onboarding and changing councils through the platform API, in process: only platform
administrators may (no token 401, any other role 403), bad input is 422 naming the field, a
taken slug 409, a new council routes at once, every write stores its event in the same
document, and a deactivated council answers reads but refuses changes with 423."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from chassis.problems import PROBLEM_MEDIA_TYPE
from gateway.app import create_app
from gateway.dev_identity import DevIssuer
from gateway.tenant_registry import TenantRegistry
from gateway.tenants import DEMO_TENANTS
from tests.unit.gateway.conftest import FakeUpstream, bearer, claims, make_settings
from tests.unit.gateway.test_gateway_tenant_registry import FakeCollection

Client = AsyncTestClient[Any]
URL = "/api/v1/platform/tenants"


@pytest.fixture
def collection() -> FakeCollection:
    return FakeCollection()


@pytest.fixture
async def platform(
    dev_key_file: Path, upstream: FakeUpstream, collection: FakeCollection
) -> AsyncIterator[Client]:
    # A long cache: a council must route at once because writes drop it, not because it expired.
    registry = TenantRegistry(collection, cache_ttl_s=3600)  # type: ignore[arg-type]
    await registry.seed(DEMO_TENANTS)
    app = create_app(
        make_settings(dev_key_file),
        tenant_directory=registry,
        upstream_transport=httpx.ASGITransport(upstream),
    )
    async with AsyncTestClient(app) as client:
        yield client


def as_role(issuer: DevIssuer, role: str, tenant: str | None = None) -> dict[str, str]:
    return bearer(issuer.sign(claims(sub=f"{role}-1", roles=[role], tenant=tenant)))


def council(slug: str = "bucha", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": slug,
        "name": {"uk": "Бучанська міська рада", "en": "Bucha City Council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {"petition_threshold": 100},
    }
    body.update(overrides)
    return body


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    problem: dict[str, Any] = response.json()
    if field is not None:
        assert field in [e["field"] for e in problem.get("errors", [])], problem
    return problem


async def onboard(platform: Client, issuer: DevIssuer, **body: Any) -> httpx.Response:
    return await platform.post(URL, json=council(**body), headers=as_role(issuer, "platform_admin"))


async def test_a_platform_admin_onboards_a_council_with_defaults_filled_in(
    platform: Client, issuer: DevIssuer, collection: FakeCollection
) -> None:
    response = await onboard(platform, issuer)

    assert response.status_code == 201, response.text
    tenant = response.json()
    assert tenant["slug"] == "bucha" and tenant["active"] is True
    assert tenant["settings"]["petition_threshold"] == 100
    assert tenant["settings"]["budget_votes_per_voter"] == 3
    stored = collection.docs["bucha"]
    assert stored["tenant"] == "bucha" and stored["settings"] == tenant["settings"]
    assert stored["outbox_pending"] is True and stored["version"] == 1
    (record,) = stored["outbox"]  # written in the same insert as the council
    assert record["topic"] == "hromada.platform.tenant" and record["key"] == "bucha:bucha"
    event = record["envelope"]
    assert (event["type"], event["tenant"], event["subject"]) == (
        "platform.tenant.registered.v1",
        "bucha",
        "bucha",
    )
    assert event["data"]["settings"] == tenant["settings"]
    assert event["data"]["name"] == {"uk": "Бучанська міська рада", "en": "Bucha City Council"}


async def test_a_new_council_routes_on_the_very_next_request(
    platform: Client, issuer: DevIssuer, upstream: FakeUpstream
) -> None:
    assert (await platform.get("/api/v1/bucha/appeals")).status_code == 404

    await onboard(platform, issuer)
    response = await platform.post(
        "/api/v1/bucha/appeals", json={"subject": "Дорога"}, headers=as_role(issuer, "citizen")
    )

    assert response.status_code == 200
    assert [c.raw_path for c in upstream.calls] == ["/api/v1/bucha/appeals"]


async def test_without_a_token_onboarding_is_401(platform: Client) -> None:
    assert_problem(await platform.post(URL, json=council()), 401)
    assert_problem(await platform.patch(f"{URL}/chernivtsi", json={"active": False}), 401)


@pytest.mark.parametrize(
    ("role", "tenant"),
    [("citizen", None), ("official", "chernivtsi"), ("tenant_admin", "chernivtsi")],
)
async def test_other_roles_may_not_onboard_or_change_councils_even_their_own(
    platform: Client, issuer: DevIssuer, collection: FakeCollection, role: str, tenant: str | None
) -> None:
    headers = as_role(issuer, role, tenant)

    assert_problem(await platform.post(URL, json=council(), headers=headers), 403)
    # Not even whether a body would be valid is told to someone who may not onboard.
    assert_problem(await platform.post(URL, json={"slug": 1}, headers=headers), 403)
    patched = await platform.patch(f"{URL}/chernivtsi", json={"active": False}, headers=headers)
    assert_problem(patched, 403)
    assert "bucha" not in collection.docs
    assert collection.docs["chernivtsi"]["active"] is True


async def test_a_taken_slug_is_409_and_the_first_council_stays(
    platform: Client, issuer: DevIssuer, collection: FakeCollection
) -> None:
    await onboard(platform, issuer)

    again = await onboard(platform, issuer, name={"uk": "Інша рада"})

    assert_problem(again, 409, "slug")
    assert collection.docs["bucha"]["name"]["uk"] == "Бучанська міська рада"
    assert_problem(await onboard(platform, issuer, slug="chernivtsi"), 409, "slug")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "docs"}, "slug"),
        ({"slug": "Bucha"}, "slug"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"locale": "pl"}, "locale"),
        ({"name": {"en": "Bucha"}}, "name.uk"),
        ({"settings": {"petition_threshold": 0}}, "settings.petition_threshold"),
        ({"settings": {"no_such_setting": 1}}, "settings.no_such_setting"),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_nothing_is_stored(
    platform: Client, issuer: DevIssuer, collection: FakeCollection, body: dict, field: str
) -> None:
    before = set(collection.docs)

    assert_problem(await onboard(platform, issuer, **body), 422, field)
    assert set(collection.docs) == before


async def test_the_public_list_shows_active_councils_and_admins_see_everything(
    platform: Client, issuer: DevIssuer
) -> None:
    admin = as_role(issuer, "platform_admin")
    await onboard(platform, issuer)
    await platform.patch(f"{URL}/bucha", json={"active": False}, headers=admin)

    public = (await platform.get(URL)).json()["items"]
    as_citizen = (await platform.get(URL, headers=as_role(issuer, "citizen"))).json()["items"]
    as_admin = (await platform.get(URL, headers=admin)).json()["items"]

    assert [t["slug"] for t in public] == ["chernivtsi", "kamianske", "uzhhorod"]
    assert as_citizen == public and "settings" not in public[0]
    bucha = next(t for t in as_admin if t["slug"] == "bucha")
    assert bucha["active"] is False and bucha["settings"]["petition_threshold"] == 100
    assert_problem(await platform.get(f"{URL}/bucha"), 404)
    assert (await platform.get(f"{URL}/bucha", headers=admin)).json()["active"] is False
    assert (await platform.get(f"{URL}/uzhhorod")).json()["name"]["en"] == "Uzhhorod City Council"


async def test_a_change_merges_settings_and_stores_an_updated_event(
    platform: Client, issuer: DevIssuer, collection: FakeCollection
) -> None:
    admin = as_role(issuer, "platform_admin")
    await onboard(platform, issuer)

    response = await platform.patch(
        f"{URL}/bucha",
        json={"settings": {"budget_votes_per_voter": 5}, "name": {"en": "Bucha Council"}},
        headers=admin,
    )

    assert response.status_code == 200, response.text
    settings = response.json()["settings"]
    assert (settings["petition_threshold"], settings["budget_votes_per_voter"]) == (100, 5)
    stored = collection.docs["bucha"]
    assert stored["version"] == 2
    assert [r["envelope"]["type"] for r in stored["outbox"]] == [
        "platform.tenant.registered.v1",
        "platform.tenant.updated.v1",
    ]
    updated = stored["outbox"][1]["envelope"]["data"]
    assert updated["name"] == {"uk": "Бучанська міська рада", "en": "Bucha Council"}
    assert updated["settings"]["budget_votes_per_voter"] == 5


async def test_a_bad_change_is_422_and_changes_nothing(
    platform: Client, issuer: DevIssuer, collection: FakeCollection
) -> None:
    admin = as_role(issuer, "platform_admin")
    before = dict(collection.docs["uzhhorod"])

    bad = {"settings": {"budget_min_voter_age": 12}, "active": False}
    assert_problem(
        await platform.patch(f"{URL}/uzhhorod", json=bad, headers=admin),
        422,
        "settings.budget_min_voter_age",
    )
    unknown = await platform.patch(f"{URL}/uzhhorod", json={"slug": "x"}, headers=admin)
    assert_problem(unknown, 422)
    assert_problem(await platform.patch(f"{URL}/lviv", json={"active": False}, headers=admin), 404)
    assert collection.docs["uzhhorod"] == before


async def test_a_deactivated_council_is_read_only_423_and_reads_still_pass(
    platform: Client, issuer: DevIssuer, upstream: FakeUpstream
) -> None:
    admin = as_role(issuer, "platform_admin")
    citizen = as_role(issuer, "citizen")
    await platform.patch(f"{URL}/kamianske", json={"active": False}, headers=admin)

    for method in ("POST", "PUT", "PATCH", "DELETE"):
        refused = await platform.request(
            method, "/api/v1/kamianske/appeals/a-1", json={}, headers=citizen
        )
        problem = assert_problem(refused, 423)
        assert "лише для читання" in problem["detail"] and "read-only" in problem["detail"]
    read = await platform.get("/api/v1/kamianske/appeals/a-1", headers=citizen)

    assert read.status_code == 200
    assert [(c.method, c.raw_path) for c in upstream.calls] == [
        ("GET", "/api/v1/kamianske/appeals/a-1")
    ]
    await platform.patch(f"{URL}/kamianske", json={"active": True}, headers=admin)
    reopened = await platform.post("/api/v1/kamianske/appeals", json={}, headers=citizen)
    assert reopened.status_code == 200


async def test_a_change_that_changes_nothing_announces_nothing(
    platform: Client, issuer: DevIssuer, collection: FakeCollection
) -> None:
    admin = as_role(issuer, "platform_admin")
    before = len(collection.docs["chernivtsi"]["outbox"])

    response = await platform.patch(f"{URL}/chernivtsi", json={"active": True}, headers=admin)

    assert response.status_code == 200
    assert len(collection.docs["chernivtsi"]["outbox"]) == before
