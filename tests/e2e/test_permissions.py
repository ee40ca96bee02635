"""The permission matrix of docs/permissions.md, route by route and role by role, through the
running gateway. Council A is `chernivtsi`, council B `uzhhorod`: staff of B get 403/404 on
anything of A."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.conftest import appeal_body
from tests.e2e.retrying import send
from tests.stack import Gateway

pytestmark = pytest.mark.e2e
A, B = "chernivtsi", "uzhhorod"
RUN = uuid.uuid4().hex[:8]
ROLES = (
    "anonymous",
    "author",
    "other_citizen",
    "official_a",
    "tenant_admin_a",
    "official_b",
    "tenant_admin_b",
    "platform_admin",
)
# A body the platform would refuse as such (reserved slug): only a platform admin gets that far.
RESERVED_TENANT = {
    "slug": "admin",
    "name": {"uk": "Адмін", "en": "Admin"},
    "timezone": "Europe/Kyiv",
    "locale": "uk",
    "settings": {},
}

# route -> (method, path, body, {role: expected status}); `{appeal}` is the author's appeal in A.
EVERYONE_OWN_DATA = {r: 200 for r in ROLES} | {"anonymous": 401}
FIGURES_OF_A = {
    "anonymous": 401,
    "author": 403,
    "other_citizen": 403,
    "official_a": 200,
    "tenant_admin_a": 200,
    "official_b": 403,
    "tenant_admin_b": 403,
    "platform_admin": 200,
}
PLATFORM_ONLY = {r: 403 for r in ROLES} | {"anonymous": 401}
MATRIX: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "file_appeal": (
        "POST",
        f"/api/v1/{A}/appeals",
        appeal_body(subject=f"Матриця {RUN}"),
        {r: 403 for r in ROLES} | {"anonymous": 401, "author": 201, "other_citizen": 201},
    ),
    "read_appeal": (
        "GET",
        f"/api/v1/{A}/appeals/{{appeal}}",
        None,
        {
            "anonymous": 401,
            "author": 200,
            "other_citizen": 404,
            "official_a": 200,
            "tenant_admin_a": 200,
            "official_b": 404,
            "tenant_admin_b": 404,
            "platform_admin": 404,
        },
    ),
    "list_appeals": (
        "GET",
        f"/api/v1/{A}/appeals",
        None,
        EVERYONE_OWN_DATA,  # staff see the council's, everyone else only their own
    ),
    "audit_trail": (
        "GET",
        f"/api/v1/{A}/appeals/{{appeal}}/audit",
        None,
        {
            "anonymous": 401,
            "author": 403,
            "other_citizen": 404,
            "official_a": 200,
            "tenant_admin_a": 200,
            "official_b": 404,
            "tenant_admin_b": 404,
            "platform_admin": 404,
        },
    ),
    "own_notices": ("GET", f"/api/v1/{A}/notify/me/deliveries", None, EVERYONE_OWN_DATA),
    "export_own_data": ("GET", f"/api/v1/{A}/me/export", None, EVERYONE_OWN_DATA),
    "erase_own_data": ("DELETE", f"/api/v1/{A}/me", None, EVERYONE_OWN_DATA),
    "appeal_stats": ("GET", f"/api/v1/{A}/appeals/stats", None, FIGURES_OF_A),
    "notify_stats": ("GET", f"/api/v1/{A}/notify/stats", None, FIGURES_OF_A),
    "dashboard": (
        "GET",
        "/api/v1/platform/dashboard",
        None,
        PLATFORM_ONLY | {"platform_admin": 200},
    ),
    "list_tenants": ("GET", "/api/v1/platform/tenants", None, {r: 200 for r in ROLES}),
    "onboard_tenant": (
        "POST",
        "/api/v1/platform/tenants",
        RESERVED_TENANT,
        PLATFORM_ONLY | {"platform_admin": 422},
    ),
    "open_data_index": ("GET", f"/api/v1/{A}/open-data", None, {r: 200 for r in ROLES}),
    "open_data_csv": (
        "GET",
        f"/api/v1/{A}/appeals/open-data/appeals-by-month.csv",
        None,
        {r: 200 for r in ROLES},
    ),
}


@pytest.fixture(scope="module")
def callers(gateway: Gateway) -> dict[str, dict[str, str]]:
    def staff(role: str, tenant: str) -> dict[str, str]:
        return gateway.staff(f"{role}-{tenant}-{RUN}", tenant, role)

    return {
        "anonymous": {},
        "author": gateway.citizen(f"author-{RUN}"),
        "other_citizen": gateway.citizen(f"other-{RUN}", name="Петро Іваненко"),
        "official_a": staff("official", A),
        "tenant_admin_a": staff("tenant_admin", A),
        "official_b": staff("official", B),
        "tenant_admin_b": staff("tenant_admin", B),
        "platform_admin": {
            "Authorization": f"Bearer {gateway.token(sub=f'cdto-{RUN}', roles=['platform_admin'])}"
        },
    }


@pytest.fixture(scope="module")
def appeal_id(gateway: Gateway, callers: dict[str, dict[str, str]]) -> str:
    body = appeal_body(subject=f"Звернення для матриці {RUN}")
    response = send(gateway, "POST", f"/api/v1/{A}/appeals", json=body, headers=callers["author"])
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(
    gateway: Gateway,
    callers: dict[str, dict[str, str]],
    appeal_id: str,
    action: str,
    role: str,
) -> None:
    method, path, body, expected = MATRIX[action]
    response = send(
        gateway,
        method,
        path.format(appeal=appeal_id),
        json=body,
        headers=callers[role],
    )
    assert response.status_code == expected[role], f"{action} as {role}: {response.text[:300]}"
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")


def test_only_a_platform_admin_sees_council_settings_in_the_list(
    gateway: Gateway, callers: dict[str, dict[str, str]]
) -> None:
    path = "/api/v1/platform/tenants"
    admin = send(gateway, "GET", path, headers=callers["platform_admin"]).json()["items"]
    official = send(gateway, "GET", path, headers=callers["tenant_admin_a"]).json()["items"]
    assert all("settings" in t for t in admin)
    assert not any("settings" in t for t in official)


def test_a_citizens_list_holds_only_their_own_appeals(
    gateway: Gateway, callers: dict[str, dict[str, str]], appeal_id: str
) -> None:
    path = f"/api/v1/{A}/appeals"
    other = send(gateway, "GET", path, headers=callers["other_citizen"]).json()["items"]
    assert appeal_id not in [item["id"] for item in other]
    staff = send(gateway, "GET", f"{path}?limit=100", headers=callers["official_a"]).json()
    assert staff["items"]


def test_staff_of_b_see_nothing_of_a_through_their_own_council_either(
    gateway: Gateway, callers: dict[str, dict[str, str]], appeal_id: str
) -> None:
    for role in ("official_b", "tenant_admin_b"):
        own_path = send(gateway, "GET", f"/api/v1/{B}/appeals/{appeal_id}", headers=callers[role])
        assert own_path.status_code == 404, own_path.text
    stats_of_b = send(gateway, "GET", f"/api/v1/{B}/appeals/stats", headers=callers["official_a"])
    assert stats_of_b.status_code == 403
