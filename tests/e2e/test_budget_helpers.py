"""Shared helpers of the budget's e2e tests (test_budget_cycle, _phases, _voting): tokens,
a cycle moved through its phases by hand, votes, problems, and the cycle's Kafka events.
No tests here; the name keeps the module among the budget's own test files."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.e2e.retrying import send
from tests.stack import ROOT, Gateway, env

TENANT = "chernivtsi"
PHASES = ("submission", "support", "review", "voting", "results", "implementation")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def mint(gateway: Gateway, **claims: Any) -> dict[str, str]:
    """Bearer headers for these claims. The dev issuer at /auth/dev/token does not (yet) pass
    the `person_id` claim; a token that needs it is signed here with the same dev key the
    gateway publishes in its JWKS (dev/test stacks only)."""
    token = gateway.token(**claims)
    if "person_id" in claims:
        token = sign_locally(claims)
    return {"Authorization": f"Bearer {token}"}


def sign_locally(claims: dict[str, Any]) -> str:
    path = Path(env("HROMADA_DEV_KEY_FILE", str(ROOT / ".stack/data/gateway/dev-signing-key.json")))
    key = RSAKey.import_key(json.loads(path.read_text()))
    now = int(time.time())
    payload = {
        "iss": env("HROMADA_JWT_ISSUER", "http://127.0.0.1:8000"),
        "aud": env("HROMADA_JWT_AUDIENCE", "hromada"),
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "roles": ["citizen"],
        **claims,
    }
    return jwt.encode({"alg": "RS256", "typ": "JWT", "kid": key.kid}, payload, key)


def voter(gateway: Gateway, tenant: str = TENANT, **overrides: Any) -> dict[str, str]:
    """A resident of `tenant`, 30 years old, BankID, with a fresh national identifier."""
    claims: dict[str, Any] = {
        "sub": f"voter-{uuid.uuid4().hex[:10]}",
        "name": "Олена Коваль",
        "roles": ["citizen"],
        "acr": "substantial",
        "birthdate": "1996-04-01",
        "residence": tenant,
        "person_id": str(uuid.uuid4().int)[:10],
    }
    claims.update(overrides)
    return mint(gateway, **{k: v for k, v in claims.items() if v is not None})


def admin_of(gateway: Gateway, tenant: str = TENANT) -> dict[str, str]:
    return gateway.staff(f"admin-{uuid.uuid4().hex[:8]}", tenant, "tenant_admin")


def official_of(gateway: Gateway, tenant: str = TENANT) -> dict[str, str]:
    return gateway.staff(f"official-{uuid.uuid4().hex[:8]}", tenant, "official")


def future_phases(start_in_days: int = 30) -> dict[str, list[str]]:
    """Every phase in the future: the tests move the cycle on by hand."""
    start = datetime.now(UTC) + timedelta(days=start_in_days)
    return {
        name: [
            (start + timedelta(days=10 * i)).isoformat(),
            (start + timedelta(days=10 * i + 9)).isoformat(),
        ]
        for i, name in enumerate(PHASES)
    }


def cycle_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year": 2026,
        "title": f"Громадський бюджет {uuid.uuid4().hex[:6]}",
        "categories": [
            {"code": "small", "title": "Малі проєкти", "funds": 1000, "max_project_cost": 600},
            {"code": "large", "title": "Великі проєкти", "funds": 5000, "max_project_cost": 5000},
        ],
        "rules": {"votes_per_voter": 3},
        "phases": future_phases(),
    }
    body.update(overrides)
    return body


def create_cycle(gateway: Gateway, tenant: str = TENANT, **overrides: Any) -> dict[str, Any]:
    path = f"/api/v1/{tenant}/budget/cycles"
    created = send(
        gateway, "POST", path, json=cycle_body(**overrides), headers=admin_of(gateway, tenant)
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def advance(gateway: Gateway, cycle_id: str, phase: str, tenant: str = TENANT) -> None:
    path = f"/api/v1/{tenant}/budget/cycles/{cycle_id}/phase"
    moved = send(gateway, "POST", path, json={"phase": phase}, headers=admin_of(gateway, tenant))
    assert moved.status_code == 200, moved.text
    assert moved.json()["phase"] == phase


def submit(
    gateway: Gateway,
    cycle_id: str,
    author: dict[str, str],
    cost: int,
    tenant: str = TENANT,
    category: str = "small",
    title: str | None = None,
) -> httpx.Response:
    body = {
        "title": title or f"Сквер {uuid.uuid4().hex[:6]}",
        "description": "Лавки, дерева та освітлення.",
        "category": category,
        "cost": cost,
    }
    return send(
        gateway,
        "POST",
        f"/api/v1/{tenant}/budget/cycles/{cycle_id}/projects",
        json=body,
        headers=author,
    )


def review(
    gateway: Gateway,
    project_id: str,
    eligible: bool = True,
    tenant: str = TENANT,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = {
        "eligible": eligible,
        "reason": "Відповідає положенню" if eligible else "Не в межах повноважень",
    }
    return send(
        gateway,
        "POST",
        f"/api/v1/{tenant}/budget/projects/{project_id}/review",
        json=body,
        headers=headers or official_of(gateway, tenant),
    )


def cycle_in_voting(
    gateway: Gateway, projects: int, tenant: str = TENANT, **overrides: Any
) -> tuple[str, list[str]]:
    """A cycle in the voting phase with `projects` eligible small projects."""
    cycle_id = create_cycle(gateway, tenant, **overrides)["id"]
    advance(gateway, cycle_id, "submission", tenant)
    author = voter(gateway, tenant)
    ids = []
    for _ in range(projects):
        created = submit(gateway, cycle_id, author, 100, tenant)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    advance(gateway, cycle_id, "review", tenant)
    for project_id in ids:
        assert review(gateway, project_id, tenant=tenant).status_code == 200
    advance(gateway, cycle_id, "voting", tenant)
    return cycle_id, ids


def vote(
    gateway: Gateway, cycle_id: str, project_id: str, headers: dict[str, str], tenant: str = TENANT
) -> httpx.Response:
    path = f"/api/v1/{tenant}/budget/cycles/{cycle_id}/votes"
    return send(gateway, "POST", path, json={"project_id": project_id}, headers=headers)


def offline_vote(
    gateway: Gateway,
    cycle_id: str,
    project_id: str,
    document_ref: str,
    tenant: str = TENANT,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    body = {
        "project_id": project_id,
        "document_ref": document_ref,
        "birthdate": "1980-01-01",
        **extra,
    }
    path = f"/api/v1/{tenant}/budget/cycles/{cycle_id}/offline-votes"
    return send(gateway, "POST", path, json=body, headers=headers or official_of(gateway, tenant))


def provisional_counts(gateway: Gateway, cycle_id: str, tenant: str = TENANT) -> dict[str, int]:
    results = send(
        gateway,
        "GET",
        f"/api/v1/{tenant}/budget/cycles/{cycle_id}/results",
        headers=official_of(gateway, tenant),
    )
    assert results.status_code == 200, results.text
    return {p["id"]: p["votes"] for c in results.json()["categories"] for p in c["ranking"]}


def assert_problem(response: httpx.Response, status: int, *needles: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    for needle in needles:
        assert needle in problem["detail"], problem
    return problem


def cycle_events(cycle_id: str, wanted: set[str], timeout_s: float = 60.0) -> dict[str, dict]:
    """The first envelope of each wanted type about this cycle on the cycle topic."""

    async def read() -> dict[str, dict]:
        consumer = AIOKafkaConsumer(
            "hromada.budget.cycle",
            bootstrap_servers=env("HROMADA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        found: dict[str, dict] = {}
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline and set(found) < wanted:
                batch = await consumer.getmany(timeout_ms=1000)
                for records in batch.values():
                    for record in records:
                        envelope = json.loads(record.value)
                        if envelope["subject"] == cycle_id and envelope["type"] in wanted:
                            found.setdefault(envelope["type"], envelope)
        finally:
            await consumer.stop()
        return found

    return asyncio.run(read())


def cycle_phase_events(cycle_id: str) -> list[str]:
    """The phases announced for this cycle so far, in order."""

    async def read() -> list[str]:
        consumer = AIOKafkaConsumer(
            "hromada.budget.cycle",
            bootstrap_servers=env("HROMADA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        phases: list[str] = []
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=1500)
                if not batch:
                    return phases
                for records in batch.values():
                    for record in records:
                        envelope = json.loads(record.value)
                        if envelope["subject"] == cycle_id and envelope["type"].endswith(
                            "phase_changed.v1"
                        ):
                            phases.append(envelope["data"]["phase"])
        finally:
            await consumer.stop()

    return asyncio.run(read())
