"""Staff lists read day by day and span by span (listing.DayWalk) on the real database: every
page, in every filter set, holds exactly what one sorted read of all the council's appeals
would show, in the same order, across priorities, shared due days, spans, cursors and
extensions."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from chassis.auth import Principal
from services.appeals import list_walk as list_walk_module
from services.appeals import listing as listing_module
from services.appeals.domain import OPEN_STATUSES, Appeal
from services.appeals.domain.similarity import subject_tokens
from services.appeals.listing import ListFilters, due_day
from services.appeals.repository import AppealRepository
from services.appeals.settings import AppealsSettings
from services.appeals.use_cases import AppealUseCases

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
STATUSES = ["registered", "assigned", "answered", "closed"]
SUBJECTS = ["Ремонт дороги", "Освітлення дороги", "Освітлення парку", "Сміття у дворі"]


def appeal(tenant: str, n: int, rng: random.Random) -> Appeal:
    due = NOW + timedelta(days=rng.randint(-12, 12), hours=rng.randint(0, 23))
    return Appeal(
        tenant=tenant,
        number=f"T-{n}",
        kind="statement",
        subject=(subject := rng.choice(SUBJECTS)),
        subject_tokens=sorted(subject_tokens(subject)),
        text="Текст",
        address="Адреса",
        citizen_sub=f"c{n % 3}",
        citizen_name="Олена",
        received_at=due - timedelta(days=30),
        due_at=due,
        status=rng.choice(STATUSES),
        priority=rng.random() < 0.25,
        department=rng.choice(["Дороги", "Світло"]),
    )


def expected(appeals: list[Appeal], keep: Any) -> list[str]:
    chosen = [a for a in appeals if keep(a)]
    chosen.sort(key=lambda a: (not a.priority, a.due_at, a.id))
    return [a.id for a in chosen]


async def every_page(cases: AppealUseCases, tenant: str, filters: ListFilters) -> list[str]:
    staff = Principal(sub="o1", name="Посадовиця", roles=frozenset({"official"}), tenant=tenant)
    ids: list[str] = []
    cursor = None
    while True:
        page = await cases.list_appeals(tenant, staff, filters, 4, cursor)
        ids += [doc["_id"] for doc in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return ids


FILTER_SETS = [
    (ListFilters(), lambda a: True),
    (ListFilters(status="assigned"), lambda a: a.status == "assigned"),
    (ListFilters(priority=True), lambda a: a.priority),
    (
        ListFilters(priority=False, department="Дороги"),
        lambda a: not a.priority and a.department == "Дороги",
    ),
    (ListFilters(overdue=True), lambda a: a.status in OPEN_STATUSES and a.due_at < NOW),
    (
        ListFilters(department="Світло", overdue=False),
        lambda a: a.department == "Світло" and not (a.status in OPEN_STATUSES and a.due_at < NOW),
    ),
    (ListFilters(text="освітлення дороги"), lambda a: a.subject == "Освітлення дороги"),
    (ListFilters(text="Дороги"), lambda a: "дороги" in a.subject),
    (ListFilters(text="світла"), lambda a: False),
]


@pytest.mark.parametrize(
    ("day_reads", "span_days"),
    [(1000, 32), (1, 32), (2, 4), (16, 32)],
    ids=["by-days", "by-spans-soon", "by-4-day-spans-mid-span", "as-configured"],
)
async def test_law_393_art_20_every_page_matches_one_sorted_read(
    repo: AppealRepository,
    monkeypatch: pytest.MonkeyPatch,
    day_reads: int,
    span_days: int,
) -> None:
    # by-days: a round reads as many days at once as the page needs, never turning to spans.
    # day_reads=1: a walk turns to spans once it has judged the density (after 4 days); with
    # 4-day spans the turn comes in the middle of a span and the rest of the list crosses
    # several spans. Either way, and with or without the density a list left behind, the
    # list must be the same.
    monkeypatch.setattr(list_walk_module, "MAX_DAY_READS", day_reads)
    monkeypatch.setattr(listing_module, "DAYS_PER_SPAN", span_days)
    tenant, other = f"t{uuid.uuid4().hex[:8]}", f"t{uuid.uuid4().hex[:8]}"
    rng = random.Random(11)
    appeals = [appeal(tenant, n, rng) for n in range(45)]
    for a in [*appeals, *(appeal(other, 100 + n, rng) for n in range(10))]:
        await repo.add(a, outbox=[])
    cases = AppealUseCases(repo, "Europe/Kyiv", clock=lambda: NOW)  # type: ignore[arg-type]
    spans_read: list[int] = []
    read_span = repo._span

    async def counting(query: dict[str, Any], priority: bool, span: int) -> list[dict[str, Any]]:
        spans_read.append(span)
        return await read_span(query, priority, span)

    monkeypatch.setattr(repo, "_span", counting)

    for filters, keep in FILTER_SETS:
        for attempt in ("first", "with the density of the first"):
            listed = await every_page(cases, tenant, filters)
            assert listed == expected(appeals, keep), (filters, attempt)
    assert bool(spans_read) == (day_reads < 1000)  # the path under test was the one taken


async def test_an_extension_moves_the_appeal_to_its_new_day(repo: AppealRepository) -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    rng = random.Random(5)
    appeals = [appeal(tenant, n, rng) for n in range(12)]
    for a in appeals:
        await repo.add(a, outbox=[])
    first = await repo.get(tenant, appeals[0].id)
    assert first is not None
    moved = replace(first, due_at=NOW + timedelta(days=40), priority=False)
    assert await repo.save_change(moved, {"action": "extended"}, [])
    appeals[0] = moved
    cases = AppealUseCases(repo, "Europe/Kyiv", clock=lambda: NOW)  # type: ignore[arg-type]

    listed = await every_page(cases, tenant, ListFilters())

    assert listed == expected(appeals, lambda a: True)
    assert listed[-1] == moved.id
    stored = await repo.collection.find_one({"_id": moved.id})
    assert stored is not None and stored["due_day"] == due_day(moved.due_at)


async def test_appeals_and_markers_of_older_versions_are_backfilled_once_and_listed() -> None:
    settings = AppealsSettings()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    db = mongo[f"test_backfill_{uuid.uuid4().hex[:8]}"]
    try:
        tenant = f"t{uuid.uuid4().hex[:8]}"
        old = appeal(tenant, 1, random.Random(3))
        stored = {k: v for k, v in vars(old).items() if k not in ("id", "priority")}
        # As an older version stored it: no priority, clock, day or span; a day marker, no span.
        stored.pop("clock_pending", None)
        await db["appeals"].insert_one({"_id": old.id, **stored, "version": 1, "outbox": []})
        day = due_day(old.due_at)
        await db["due_days"].insert_one({"_id": f"{tenant}|{day}", "tenant": tenant, "day": day})

        await AppealRepository(db).ensure_indexes()
        repo = AppealRepository(db)  # a second replica starting: the marker says it is done
        await repo.ensure_indexes()

        doc = await db["appeals"].find_one({"_id": old.id})
        assert doc is not None
        # The clock watches it while it is open (workflow._move).
        assert (doc["priority"], doc["clock_pending"]) == (False, old.status in OPEN_STATUSES)
        assert (doc["due_day"], doc["due_span"]) == (day, listing_module.due_span(day))
        marker = await db["due_days"].find_one({"_id": f"{tenant}|{day}"})
        assert marker is not None and marker["span"] == listing_module.due_span(day)
        cases = AppealUseCases(repo, "Europe/Kyiv", clock=lambda: NOW)  # type: ignore[arg-type]
        assert await every_page(cases, tenant, ListFilters()) == [old.id]
    finally:
        await mongo.drop_database(db.name)
        await mongo.close()
