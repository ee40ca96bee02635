"""The vote box on the real MongoDB-wire server (FerretDB locally): the unique indexes, not any
read-then-write, keep every voter within the limits under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from services.budget.ballots import ALREADY_VOTED, SupportBox, VoteBox
from services.budget.domain.errors import RuleBroken
from services.budget.settings import BudgetSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def box() -> AsyncIterator[tuple[VoteBox, SupportBox, str]]:
    settings = BudgetSettings()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    db = mongo[f"test_budget_votes_{uuid.uuid4().hex[:8]}"]
    votes, supports = VoteBox(db), SupportBox(db)
    await votes.ensure_indexes()
    await supports.ensure_indexes()
    yield votes, supports, f"t{uuid.uuid4().hex[:10]}"
    await mongo.drop_database(db.name)
    await mongo.close()


async def cast(
    votes: VoteBox,
    tenant: str,
    voter: str,
    project: str,
    category: str = "small",
    per_voter: int = 3,
    per_category: int | None = None,
) -> str:
    try:
        await votes.cast(
            tenant=tenant,
            cycle_id="cycle-1",
            voter_key=voter,
            project_id=project,
            category=category,
            votes_per_voter=per_voter,
            votes_per_category=per_category,
            channel="online",
            ground="residence",
            at=datetime.now(UTC),
        )
        return "ok"
    except RuleBroken as refused:
        assert refused.status == 409
        return "already" if refused.detail == ALREADY_VOTED else "no_votes_left"


async def test_twenty_votes_at_once_by_one_voter_count_three(
    box: tuple[VoteBox, SupportBox, str],
) -> None:
    votes, _, tenant = box
    outcomes = await asyncio.gather(*(cast(votes, tenant, "v1", f"p{i}") for i in range(20)))
    assert outcomes.count("ok") == 3
    assert outcomes.count("no_votes_left") == 17
    assert sum((await votes.counts(tenant, "cycle-1")).values()) == 3
    assert len(await votes.mine(tenant, "cycle-1", "v1")) == 3


async def test_replays_of_one_vote_count_once(box: tuple[VoteBox, SupportBox, str]) -> None:
    votes, _, tenant = box
    outcomes = await asyncio.gather(*(cast(votes, tenant, "v1", "p1") for _ in range(200)))
    assert outcomes.count("ok") == 1
    assert outcomes.count("already") == 199
    assert await votes.counts(tenant, "cycle-1") == {"p1": 1}
    # The voter still has the other two votes.
    assert await cast(votes, tenant, "v1", "p2") == "ok"
    assert await cast(votes, tenant, "v1", "p3") == "ok"
    assert await cast(votes, tenant, "v1", "p4") == "no_votes_left"
    assert await cast(votes, tenant, "v1", "p1") == "already"


async def test_votes_per_category_hold_under_concurrency(
    box: tuple[VoteBox, SupportBox, str],
) -> None:
    votes, _, tenant = box
    small = [cast(votes, tenant, "v2", f"s{i}", "small", 3, 1) for i in range(6)]
    large = [cast(votes, tenant, "v2", f"l{i}", "large", 3, 1) for i in range(6)]
    outcomes = await asyncio.gather(*small, *large)
    assert outcomes[:6].count("ok") == 1
    assert outcomes[6:].count("ok") == 1
    assert sum((await votes.counts(tenant, "cycle-1")).values()) == 2


async def test_other_voters_and_tenants_are_independent(
    box: tuple[VoteBox, SupportBox, str],
) -> None:
    votes, supports, tenant = box
    other_tenant = f"{tenant}x"
    outcomes = await asyncio.gather(
        *(cast(votes, tenant, f"voter-{i}", "p1") for i in range(30)),
        cast(votes, other_tenant, "voter-0", "p1"),
    )
    assert outcomes.count("ok") == 31
    assert await votes.counts(tenant, "cycle-1") == {"p1": 30}
    assert await votes.counts(other_tenant, "cycle-1") == {"p1": 1}
    await supports.add(tenant, "cycle-1", "p1", "s1", datetime.now(UTC))
    with pytest.raises(RuleBroken):
        await supports.add(tenant, "cycle-1", "p1", "s1", datetime.now(UTC))
    assert await supports.count_of(tenant, "cycle-1", "p1") == 1
