"""The world a fuzz run works in: a council onboarded for this run (its own slug, so reruns and
other engineers' data never collide; rate limits raised so the fuzzer is not throttled), a
citizen (acr substantial) and a staff member (tenant admin and official) of that council, and
a few real records, so operations on `{appeal_id}`, `{petition_id}`, `{cycle_id}` and
`{project_id}` reach past the "not found" answer."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.e2e.conftest import appeal_body
from tests.e2e.test_budget_helpers import cycle_body

# High enough that fuzzing never spends a budget; rate limits are tested in tests/security.
UNTHROTTLED = {"requests_per_minute": 1_000_000, "sensitive_writes_per_minute": 1_000_000}


@dataclass
class FuzzWorld:
    tenant: str
    citizen: dict[str, str]
    staff: dict[str, str]
    # path parameter -> the id of a real record of this run
    records: dict[str, str] = field(default_factory=dict)


def _send(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """Rides out another engineer restarting the gateway or a service (up to a minute)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            response = http.request(method, path, **kwargs)
            if response.status_code not in (502, 503) or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def wait_until_up(http: httpx.Client, timeout_s: float = 120.0) -> None:
    """Another engineer may be restarting the gateway: wait until it answers again."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if http.get("/health/ready").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the gateway did not come back"
        time.sleep(1)


def _bearer(http: httpx.Client, **claims: Any) -> dict[str, str]:
    response = _send(http, "POST", "/auth/dev/token", json=claims)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _created(response: httpx.Response, what: str) -> str:
    assert response.status_code == 201, f"seeding {what}: {response.text[:300]}"
    return str(response.json()["id"])


def build_world(http: httpx.Client) -> FuzzWorld:
    wait_until_up(http)
    run = uuid.uuid4().hex[:8]
    tenant = f"fuzz-{run}"
    admin = _bearer(http, sub=f"fuzz-platform-{run}", roles=["platform_admin"])
    onboarded = _send(
        http,
        "POST",
        "/api/v1/platform/tenants",
        headers=admin,
        json={
            "slug": tenant,
            "name": {"uk": f"Громада для фаззінгу {run}", "en": f"Fuzzing council {run}"},
            "settings": {"rate_limits": UNTHROTTLED},
        },
    )
    assert onboarded.status_code == 201, onboarded.text
    citizen = _bearer(
        http,
        sub=f"fuzz-citizen-{run}",
        name="Фаззер Тестовий",
        roles=["citizen"],
        acr="substantial",
        birthdate="1990-01-01",
        residence=tenant,
    )
    staff = _bearer(
        http,
        sub=f"fuzz-staff-{run}",
        name="Посадова особа",
        roles=["tenant_admin", "official"],
        tenant=tenant,
    )
    world = FuzzWorld(tenant, citizen, staff)
    _wait_routable(http, tenant)
    base = f"/api/v1/{tenant}"
    world.records["appeal_id"] = _created(
        _send(http, "POST", f"{base}/appeals", json=appeal_body(), headers=citizen), "an appeal"
    )
    petition = {"title": f"Петиція фаззера {run}", "text": "Прошу облаштувати сквер."}
    world.records["petition_id"] = _created(
        _send(http, "POST", f"{base}/petitions", json=petition, headers=citizen), "a petition"
    )
    cycle_id = _created(
        _send(http, "POST", f"{base}/budget/cycles", json=cycle_body(), headers=staff), "a cycle"
    )
    world.records["cycle_id"] = cycle_id
    return world


def retire(http: httpx.Client, tenant: str) -> None:
    """Deactivate the run's council, so councils of old runs do not pile up in the lists."""
    admin = _bearer(http, sub=f"fuzz-platform-{tenant}", roles=["platform_admin"])
    answer = _send(
        http, "PATCH", f"/api/v1/platform/tenants/{tenant}", json={"active": False}, headers=admin
    )
    assert answer.status_code == 200, answer.text


def _wait_routable(http: httpx.Client, tenant: str) -> None:
    """A new council is usable at once; a gateway replica's tenant cache may need a moment."""
    deadline = time.monotonic() + 30
    while _send(http, "GET", f"/api/v1/{tenant}/open-data").status_code == 404:
        assert time.monotonic() < deadline, f"council {tenant} never became routable"
        time.sleep(0.5)
