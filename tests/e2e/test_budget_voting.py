"""Who may vote and how often, on the real stack through the gateway: age on the day voting
starts, residence or an approved IDP proof, BankID-level identification, one person online
and on paper counted once, and the limits under concurrency (20 votes at once -> exactly 3;
1,000 replays of one vote -> 1) in a council onboarded for the test with high rate limits."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.retrying import send
from tests.e2e.test_budget_helpers import (
    PDF,
    TENANT,
    assert_problem,
    cycle_in_voting,
    mint,
    official_of,
    offline_vote,
    provisional_counts,
    vote,
    voter,
)
from tests.stack import Gateway

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def open_council(gateway: Gateway) -> str:
    """A council onboarded for these tests, whose rate limits are far above what they fire."""
    slug = f"bt{uuid.uuid4().hex[:10]}"
    admin = mint(gateway, sub=f"cdto-{slug}", roles=["platform_admin"])
    body = {
        "slug": slug,
        "name": {"uk": "Тестова громада бюджету", "en": "Budget Test Community"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {
            "rate_limits": {"sensitive_writes_per_minute": 100_000, "requests_per_minute": 100_000}
        },
    }
    created = send(gateway, "POST", "/api/v1/platform/tenants", json=body, headers=admin)
    assert created.status_code == 201, created.text
    return slug


def test_budget_voters_must_be_old_enough_on_the_day_voting_starts(gateway: Gateway) -> None:
    cycle_id, (project_id,) = cycle_in_voting(gateway, 1, rules={"min_age": 16})
    # Voting was opened by hand today: 16 today is old enough, 16 tomorrow is not.
    today = datetime.now(UTC).date()
    sixteen_tomorrow = today.replace(day=1, year=today.year - 16) + timedelta(days=today.day)
    sixteen_today = sixteen_tomorrow - timedelta(days=1)  # (safe on 29 February too)
    too_young = voter(gateway, birthdate=sixteen_tomorrow.isoformat())
    assert_problem(vote(gateway, cycle_id, project_id, too_young), 403, "at least 16")
    assert_problem(vote(gateway, cycle_id, project_id, voter(gateway, birthdate=None)), 403)
    just_old_enough = voter(gateway, birthdate=sixteen_today.isoformat())
    assert vote(gateway, cycle_id, project_id, just_old_enough).status_code == 201
    assert provisional_counts(gateway, cycle_id) == {project_id: 1}


def test_budget_needs_strong_identification_and_a_national_identifier(gateway: Gateway) -> None:
    cycle_id, (project_id,) = cycle_in_voting(gateway, 1)
    assert_problem(vote(gateway, cycle_id, project_id, voter(gateway, acr="low")), 403, "BankID")
    assert_problem(
        vote(gateway, cycle_id, project_id, voter(gateway, person_id=None)), 403, "person_id"
    )
    official = official_of(gateway)
    assert_problem(vote(gateway, cycle_id, project_id, official), 403)  # staff are not citizens
    assert provisional_counts(gateway, cycle_id) == {project_id: 0}


def test_budget_non_residents_vote_with_an_approved_idp_proof_only(gateway: Gateway) -> None:
    cycle_id, (project_id,) = cycle_in_voting(gateway, 1)
    sub = f"idp-{uuid.uuid4().hex[:10]}"
    idp = voter(gateway, sub=sub, residence="kamianske")
    assert_problem(vote(gateway, cycle_id, project_id, idp), 403, "IDP")

    base = f"/api/v1/{TENANT}/budget/eligibility-proofs"
    forged = send(
        gateway,
        "POST",
        base,
        headers=idp,
        data={"kind": "idp"},
        files={"file": ("довідка.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert_problem(forged, 415)
    uploaded = send(
        gateway,
        "POST",
        base,
        headers=idp,
        data={"kind": "idp"},
        files={"file": ("довідка.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    proof = uploaded.json()
    assert proof["status"] == "pending"
    assert_problem(vote(gateway, cycle_id, project_id, idp), 403)  # not approved yet

    # Another citizen cannot read it; the council's official can, and approves it.
    stranger = voter(gateway)
    assert_problem(send(gateway, "GET", f"{base}/{proof['id']}", headers=stranger), 404)
    official = official_of(gateway)
    pending = send(gateway, "GET", base, headers=official).json()["items"]
    assert proof["id"] in [p["id"] for p in pending]
    assert_problem(
        send(
            gateway, "POST", f"{base}/{proof['id']}/decision", json={"approve": True}, headers=idp
        ),
        403,
    )
    decided = send(
        gateway,
        "POST",
        f"{base}/{proof['id']}/decision",
        json={"approve": True, "reason": "Довідка ВПО дійсна"},
        headers=official,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert_problem(
        send(
            gateway,
            "POST",
            f"{base}/{proof['id']}/decision",
            json={"approve": False},
            headers=official,
        ),
        409,
    )
    assert vote(gateway, cycle_id, project_id, idp).status_code == 201

    # A rejected proof leaves the person where they were.
    other_sub = f"idp-{uuid.uuid4().hex[:10]}"
    other = voter(gateway, sub=other_sub, residence=None)
    second = send(
        gateway,
        "POST",
        base,
        headers=other,
        data={"kind": "work"},
        files={"file": ("contract.pdf", PDF, "application/pdf")},
    ).json()
    rejected = send(
        gateway,
        "POST",
        f"{base}/{second['id']}/decision",
        json={"approve": False, "reason": "Нечитабельно"},
        headers=official,
    )
    assert rejected.json()["status"] == "rejected"
    assert_problem(vote(gateway, cycle_id, project_id, other), 403)
    assert provisional_counts(gateway, cycle_id) == {project_id: 1}


@pytest.mark.parametrize("online_first", [True, False])
def test_budget_one_person_online_and_on_paper_counts_once(
    gateway: Gateway, online_first: bool
) -> None:
    cycle_id, (project_id, other_project) = cycle_in_voting(gateway, 2)
    tax_number = str(uuid.uuid4().int)[:10]
    online = voter(gateway, person_id=tax_number)
    # ASC staff type the same number with spaces: it is the same person.
    paper_ref = f"{tax_number[:5]} {tax_number[5:]}"
    if online_first:
        assert vote(gateway, cycle_id, project_id, online).status_code == 201
        assert_problem(offline_vote(gateway, cycle_id, project_id, paper_ref), 409, "already voted")
    else:
        assert offline_vote(gateway, cycle_id, project_id, paper_ref).status_code == 201
        assert_problem(vote(gateway, cycle_id, project_id, online), 409, "already voted")
    # Their other votes are still theirs, in either channel.
    assert offline_vote(gateway, cycle_id, other_project, paper_ref).status_code == 201
    assert provisional_counts(gateway, cycle_id) == {project_id: 1, other_project: 1}


async def fire(
    gateway: Gateway, requests: list[tuple[str, dict[str, Any], dict[str, str]]], concurrency: int
) -> list[int]:
    """POST all at once (bounded), returning the status codes in order."""
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60.0) as client:

        async def one(path: str, body: dict[str, Any], headers: dict[str, str]) -> int:
            async with limit:
                for _ in range(20):  # ride out a component restarted by someone else
                    try:
                        response = await client.post(path, json=body, headers=headers)
                    except httpx.TransportError:
                        await asyncio.sleep(0.5)
                        continue
                    if response.status_code not in (502, 503):
                        return response.status_code
                    await asyncio.sleep(0.5)
                return response.status_code

        return list(await asyncio.gather(*(one(*r) for r in requests)))


def test_budget_twenty_votes_at_once_by_one_voter_count_exactly_three(
    gateway: Gateway, open_council: str
) -> None:
    cycle_id, projects = cycle_in_voting(gateway, 20, open_council, rules={"votes_per_voter": 3})
    headers = voter(gateway, open_council)
    path = f"/api/v1/{open_council}/budget/cycles/{cycle_id}/votes"
    codes = asyncio.run(fire(gateway, [(path, {"project_id": p}, headers) for p in projects], 20))
    assert sorted(codes) == [201] * 3 + [409] * 17
    counts = provisional_counts(gateway, cycle_id, open_council)
    assert sum(counts.values()) == 3


def test_budget_a_thousand_replays_of_one_vote_count_once(
    gateway: Gateway, open_council: str
) -> None:
    cycle_id, (project_id,) = cycle_in_voting(gateway, 1, open_council)
    headers = voter(gateway, open_council)
    path = f"/api/v1/{open_council}/budget/cycles/{cycle_id}/votes"
    codes = asyncio.run(fire(gateway, [(path, {"project_id": project_id}, headers)] * 1000, 50))
    assert codes.count(201) == 1
    assert codes.count(409) == 999
    assert provisional_counts(gateway, cycle_id, open_council) == {project_id: 1}
