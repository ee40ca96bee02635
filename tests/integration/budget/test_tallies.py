"""Tallies on the real MongoDB-wire server: a recount equals the facts, votes mark the tally
for another recount, and a cycle whose results are fixed is final."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from chassis.write_guard import DocumentLocks
from services.budget.ballots import VoteBox
from services.budget.domain.cycle import PHASES, Category, Cycle, Rules
from services.budget.settings import BudgetSettings
from services.budget.tally import Tallies

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


@pytest.fixture
async def parts() -> AsyncIterator[tuple[VoteBox, Tallies, Cycle]]:
    settings = BudgetSettings()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    db = mongo[f"test_budget_tallies_{uuid.uuid4().hex[:8]}"]
    locks = DocumentLocks()
    votes, tallies = VoteBox(db, locks), Tallies(db, locks)
    await votes.ensure_indexes()
    # In voting since yesterday, until tomorrow.
    days = [(-4, -3), (-3, -2), (-2, -1), (-1, 1), (1, 2), (2, 3)]
    phases = {
        name: (NOW + timedelta(days=start), NOW + timedelta(days=end))
        for name, (start, end) in zip(PHASES, days, strict=True)
    }
    cycle = Cycle(
        id=str(uuid.uuid4()),
        tenant=f"t{uuid.uuid4().hex[:8]}",
        year=2026,
        title="Тест",
        categories=(Category("small", "Малі", 1000, 500),),
        rules=Rules(),
        phases=phases,
    )
    await db["projects"].insert_one(
        {"_id": "p1", "tenant": cycle.tenant, "cycle_id": cycle.id, "status": "eligible"}
    )
    yield votes, tallies, cycle
    await mongo.drop_database(db.name)
    await mongo.close()


async def cast(votes: VoteBox, cycle: Cycle, voter: str, channel: str) -> None:
    await votes.cast(
        tenant=cycle.tenant,
        cycle_id=cycle.id,
        voter_key=voter,
        project_id="p1",
        category="small",
        votes_per_voter=3,
        votes_per_category=None,
        channel=channel,
        ground="residence",
        at=datetime.now(UTC),
    )


async def test_a_tally_is_a_recount_and_votes_mark_it_for_the_next(
    parts: tuple[VoteBox, Tallies, Cycle],
) -> None:
    votes, tallies, cycle = parts
    assert await tallies.needs_recount(cycle, NOW)  # never counted
    await cast(votes, cycle, "v1", "online")
    await cast(votes, cycle, "v2", "offline")
    await votes.flush_marks()
    await tallies.recount(cycle, {}, datetime.now(UTC))
    figures = (await tallies.figures_of([cycle.tenant, "elsewhere"]))[cycle.tenant]
    assert figures["votes"] == 2 and figures["online_votes"] == figures["offline_votes"] == 1
    assert figures["projects"] == figures["eligible_projects"] == 1 and figures["cycles"] == 1
    assert not await tallies.needs_recount(cycle, datetime.now(UTC))

    await cast(votes, cycle, "v3", "online")
    await votes.flush_marks()  # the mark is written after the vote it covers
    assert await tallies.needs_recount(cycle, datetime.now(UTC))
    await tallies.recount(cycle, {}, datetime.now(UTC))
    assert (await tallies.figures_of([cycle.tenant]))[cycle.tenant]["votes"] == 3


async def test_a_tally_is_final_once_the_results_are_fixed(
    parts: tuple[VoteBox, Tallies, Cycle],
) -> None:
    _, tallies, cycle = parts
    results_time = cycle.phases["results"][0] + timedelta(minutes=1)
    published = replace(cycle, results_published=True)
    results = {"categories": [{"ranking": [{"id": "p1", "funded": True}]}]}
    assert await tallies.needs_recount(published, results_time)
    await tallies.recount(published, results, results_time)
    assert not await tallies.needs_recount(published, results_time)
    assert (await tallies.figures_of([cycle.tenant]))[cycle.tenant]["funded_projects"] == 1
