"""Signing, counting and the collection's outcomes on the real MongoDB-wire server: two
"replicas" (each its own tally, counter and outcomes) count a petition at once, yet every
milestone and the outcome fire exactly once; one citizen signing 50 times at once leaves one
signature; a petition past its deadline below the threshold becomes not_supported."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.auth import Principal
from chassis.lease import LeaderLease
from chassis.problems import Problem
from chassis.write_guard import DocumentLocks
from services.petitions.counting import SignatureCounter
from services.petitions.outcomes import MARKERS, Outcomes
from services.petitions.repository import PetitionRepository
from services.petitions.settings import PetitionsSettings
from services.petitions.signatures import SignatureRepository
from services.petitions.sweep import LeaderSweep
from services.petitions.tally import Tally
from services.petitions.tenant_settings import (
    CouncilPolicies,
    PetitionSettingsStore,
    TenantSettingsReader,
)
from services.petitions.use_cases import PetitionUseCases

pytestmark = pytest.mark.integration


@dataclass
class Replica:
    use_cases: PetitionUseCases
    tally: Tally
    sweep: LeaderSweep
    petitions: PetitionRepository


def replica(db: AsyncDatabase[dict[str, Any]]) -> Replica:
    petitions = PetitionRepository(db, DocumentLocks())
    signatures = SignatureRepository(db)
    policies = CouncilPolicies(TenantSettingsReader(db), PetitionSettingsStore(db), "Europe/Kyiv")
    outcomes = Outcomes(db, petitions, policies)
    counter = SignatureCounter(signatures, grace_s=3.0)
    tally = Tally(petitions, counter, outcomes)
    lease = LeaderLease(db, "petitions-sweep", uuid.uuid4().hex)
    sweep = LeaderSweep(petitions, counter, outcomes, lease)
    use_cases = PetitionUseCases(petitions, signatures, policies, on_signed=tally.mark_dirty)
    return Replica(use_cases, tally, sweep, petitions)


@pytest.fixture
async def db() -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    settings = PetitionsSettings()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    database = mongo[f"test_petitions_{uuid.uuid4().hex[:8]}"]
    await SignatureRepository(database).ensure_indexes()
    yield database
    await mongo.drop_database(database.name)
    await mongo.close()


TENANT = "chernivtsi"
STAFF = Principal(sub="official", roles=frozenset({"official"}), tenant=TENANT)


def citizen(sub: str, acr: str = "substantial") -> Principal:
    return Principal(sub=sub, name=f"Громадянин {sub}", roles=frozenset({"citizen"}), acr=acr)


async def published_petition(db: AsyncDatabase[dict[str, Any]], r: Replica, threshold: int) -> str:
    await PetitionSettingsStore(db).put(TENANT, {"threshold": threshold})
    filed = await r.use_cases.file_petition(TENANT, citizen("author"), "Сквер", "Прошу сквер.")
    await r.use_cases.publish(TENANT, STAFF, filed.id)
    return filed.id


async def markers_of(db: AsyncDatabase[dict[str, Any]], petition_id: str) -> list[dict[str, Any]]:
    return await db[MARKERS].find({"petition_id": petition_id}).to_list(None)


async def test_two_replicas_counting_at_once_fire_each_milestone_and_the_outcome_once(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    a, b = replica(db), replica(db)
    petition_id = await published_petition(db, a, threshold=20)
    # 30 distinct citizens at once, half through each replica (the author makes 31).
    signers = [citizen(f"c{i}") for i in range(30)]
    await asyncio.gather(
        *((a if i % 2 else b).use_cases.sign(TENANT, s, petition_id) for i, s in enumerate(signers))
    )
    for _ in range(3):
        await asyncio.gather(a.tally.tally_once(), b.tally.tally_once(), a.sweep.sweep_once())
        a.tally.mark_dirty(TENANT, petition_id)
        b.tally.mark_dirty(TENANT, petition_id)

    stored = await a.petitions.get(TENANT, petition_id)
    assert stored is not None
    recount = await db["signatures"].count_documents({"tenant": TENANT, "petition_id": petition_id})
    assert stored.signature_count == recount == 31
    assert stored.status == "under_consideration"
    assert stored.response_due_at is not None and stored.response_due_at > datetime.now(UTC)
    markers = {m["_id"].rsplit(":", 1)[-1]: m for m in await markers_of(db, petition_id)}
    assert sorted(markers) == ["25", "50", "75", "outcome"]
    announced = [r["envelope"]["type"] for m in markers.values() for r in m["outbox"]]
    assert sorted(announced) == sorted(
        ["petitions.petition.milestone_reached.v1"] * 4
        + ["petitions.petition.threshold_reached.v1"]
    )
    with pytest.raises(Problem) as late:
        await a.use_cases.sign(TENANT, citizen("late"), petition_id)
    assert late.value.status == 409


async def test_one_citizen_signing_50_times_at_once_leaves_exactly_one_signature(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    a, b = replica(db), replica(db)
    petition_id = await published_petition(db, a, threshold=1000)
    same = citizen("eager")
    results = await asyncio.gather(
        *((a if i % 2 else b).use_cases.sign(TENANT, same, petition_id) for i in range(50)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, Problem)]
    assert len(refused) == 49 and {p.status for p in refused} == {409}
    assert sum(isinstance(r, datetime) for r in results) == 1
    await asyncio.gather(a.tally.tally_once(), b.tally.tally_once())
    stored = await a.petitions.get(TENANT, petition_id)
    assert stored is not None and stored.signature_count == 2  # the author and the eager one


async def test_art23_1_deadline_below_threshold_is_not_supported_once_with_the_text(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    a, b = replica(db), replica(db)
    petition_id = await published_petition(db, a, threshold=10)
    await a.use_cases.sign(TENANT, citizen("one"), petition_id)
    past = datetime.now(UTC) - timedelta(minutes=1)
    await db["petitions"].update_one({"_id": petition_id}, {"$set": {"deadline_at": past}})
    with pytest.raises(Problem) as closed:
        await replica(db).use_cases.sign(TENANT, citizen("two"), petition_id)
    assert closed.value.status == 409

    await asyncio.gather(a.sweep.sweep_once(), b.sweep.sweep_once())  # a lease lost mid-way

    stored = await a.petitions.get(TENANT, petition_id)
    assert stored is not None and stored.status == "not_supported"
    assert stored.signature_count == 2
    (marker,) = await markers_of(db, petition_id)
    (record,) = marker["outbox"]
    assert record["envelope"]["type"] == "petitions.petition.deadline_passed.v1"
    assert record["envelope"]["data"]["text"] == "Прошу сквер."
    assert record["envelope"]["data"]["author_sub"] == "author"


async def test_threshold_met_by_the_deadline_is_supported_not_closed(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    a = replica(db)
    petition_id = await published_petition(db, a, threshold=2)
    # Signed in time but never tallied (say the process crashed): the sweep counts it.
    await a.use_cases.sign(TENANT, citizen("one"), petition_id)
    past = datetime.now(UTC) - timedelta(minutes=1)
    await db["petitions"].update_one({"_id": petition_id}, {"$set": {"deadline_at": past}})
    await replica(db).sweep.sweep_once()
    stored = await a.petitions.get(TENANT, petition_id)
    assert stored is not None and stored.status == "under_consideration"
    assert stored.signature_count == 2
