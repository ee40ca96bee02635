"""Staff actions through the use cases: who may act, one audited write with its event, retries
on a concurrent change; the citizen's list and rating; the statutory clock's once-only notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.problems import Problem
from services.appeals.clock_job import StatutoryClock
from services.appeals.domain import AppealDraft, AppealRejected, first_broken_seq
from services.appeals.domain.category import Category
from services.appeals.staff_use_cases import StaffUseCases
from services.appeals.use_cases import AppealUseCases
from tests.unit.appeals.fakes import FakeAppealRepository, FakeCategories

TENANT = "chernivtsi"
CITIZEN = Principal(sub="c1", name="Олена Коваль", roles=frozenset({"citizen"}))
OTHER_CITIZEN = Principal(sub="c2", name="Інша Особа", roles=frozenset({"citizen"}))
OFFICIAL = Principal(sub="o1", name="Петро", roles=frozenset({"official"}), tenant=TENANT)
FOREIGN_OFFICIAL = Principal(
    sub="o2", name="Чужий", roles=frozenset({"official"}), tenant="uzhhorod"
)
DRAFT = AppealDraft(
    kind="statement",
    subject="Ремонт дороги на вул. Головній",
    text="Прошу відремонтувати.",
    address="м. Чернівці",
    name="Олена Коваль",
    email="o@example.ua",
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def build(**kwargs: Any) -> tuple[AppealUseCases, StaffUseCases, FakeAppealRepository, Clock]:
    repo = FakeAppealRepository()
    clock = Clock()
    cases = AppealUseCases(repo, "Europe/Kyiv", clock=clock, **kwargs)  # type: ignore[arg-type]
    return cases, StaffUseCases(cases.changes, None, "Europe/Kyiv"), repo, clock


async def test_staff_action_stores_change_audit_entry_and_event_in_one_write() -> None:
    cases, staff, repo, _ = build()
    appeal = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)
    await staff.assign(TENANT, OFFICIAL, appeal.id, "ЖКГ", None)
    await staff.extend(TENANT, OFFICIAL, appeal.id, 5, "виїзд")
    stored = repo.docs[appeal.id]
    assert stored.status == "assigned" and stored.version == 3
    assert [e["action"] for e in stored.audit] == ["register", "assign", "extend"]
    assert first_broken_seq(stored.audit) is None
    assert repo.events(appeal.id) == [
        "appeals.appeal.registered.v1",
        "appeals.appeal.assigned.v1",
        "appeals.appeal.extended.v1",
    ]
    extended = repo.outbox[appeal.id][-1]["envelope"]["data"]
    assert extended["email"] == "o@example.ua" and extended["reason"] == "виїзд"


async def test_a_concurrent_change_is_retried_against_the_newer_state() -> None:
    cases, staff, repo, _ = build()
    appeal = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)
    repo.conflicts_to_inject = 2
    await staff.assign(TENANT, OFFICIAL, appeal.id, "ЖКГ", None)
    assert repo.docs[appeal.id].status == "assigned"


async def test_illegal_transition_is_a_409_naming_the_state() -> None:
    cases, staff, _, _ = build()
    appeal = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)
    with pytest.raises(Problem) as caught:
        await staff.close(TENANT, OFFICIAL, appeal.id)
    assert caught.value.status == 409 and "'registered'" in caught.value.detail


async def test_art20_extension_beyond_45_days_is_a_422_naming_days() -> None:
    cases, staff, _, _ = build()
    appeal = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)
    with pytest.raises(Problem) as caught:
        await staff.extend(TENANT, OFFICIAL, appeal.id, 20, "експертиза")
    assert caught.value.status == 422 and caught.value.errors[0].field == "days"


async def test_author_gets_403_and_others_404_on_staff_actions() -> None:
    cases, staff, _, _ = build()
    appeal = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)
    for who, status in ((CITIZEN, 403), (OTHER_CITIZEN, 404), (FOREIGN_OFFICIAL, 404)):
        with pytest.raises(Problem) as caught:
            await staff.assign(TENANT, who, appeal.id, "ЖКГ", None)
        assert caught.value.status == status
    with pytest.raises(Problem) as audit:
        await cases.audit_trail(TENANT, FOREIGN_OFFICIAL, appeal.id)
    assert audit.value.status == 404


async def test_only_the_author_rates_and_only_after_the_answer() -> None:
    cases, staff, repo, _ = build()
    appeal = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)
    with pytest.raises(Problem) as early:
        await cases.rate_appeal(TENANT, CITIZEN, appeal.id, 5, None)
    assert early.value.status == 409
    await staff.answer(TENANT, OFFICIAL, appeal.id, "Відремонтуємо.")
    with pytest.raises(Problem) as stranger:
        await cases.rate_appeal(TENANT, OTHER_CITIZEN, appeal.id, 5, None)
    assert stranger.value.status == 404
    await cases.rate_appeal(TENANT, CITIZEN, appeal.id, 4, "дякую")
    assert repo.docs[appeal.id].rating["score"] == 4  # type: ignore[index]
    assert repo.events(appeal.id)[-1] == "appeals.appeal.rated.v1"


async def test_art8_a_similar_appeal_within_a_year_is_flagged_with_the_earlier_number() -> None:
    cases, _, _, clock = build()
    first = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)
    clock.now += timedelta(days=40)
    second = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)
    assert first.possible_repeat_of is None
    assert second.possible_repeat_of == {"id": first.id, "number": first.number}


async def test_category_must_be_an_active_one_of_the_council() -> None:
    categories = FakeCategories(
        Category(TENANT, "roads", {"uk": "Дороги", "en": "Roads"}),
        Category(TENANT, "old", {"uk": "Старе", "en": "Old"}, active=False),
    )
    cases, _, _, _ = build(categories=categories)
    ok = await cases.submit_appeal(
        TENANT, CITIZEN, AppealDraft(**{**vars(DRAFT), "category": "roads"})
    )
    assert ok.category == "roads"
    for code in ("old", "missing"):
        with pytest.raises(AppealRejected) as caught:
            await cases.submit_appeal(
                TENANT, CITIZEN, AppealDraft(**{**vars(DRAFT), "category": code})
            )
        assert [e.field for e in caught.value.errors] == ["category"]


async def test_statutory_clock_announces_due_soon_and_overdue_once_per_due_date() -> None:
    cases, _, repo, clock = build()
    appeal = await cases.submit_appeal(TENANT, CITIZEN, DRAFT)  # due Thu 2 April, 11:00 Kyiv
    job = StatutoryClock(repo, _Policies(), cases.changes, None, 1.0, 3, clock=clock)  # type: ignore[arg-type]
    assert await job.tick() == 0
    clock.now = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # Monday: 3 working days before
    assert await job.tick() == 1
    assert await job.tick() == 0  # once only
    clock.now = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    assert await job.tick() == 1
    assert await job.tick() == 0
    assert repo.events(appeal.id)[-2:] == [
        "appeals.appeal.due_soon.v1",
        "appeals.appeal.overdue.v1",
    ]
    audit = repo.docs[appeal.id].audit
    assert audit[-1]["actor"] == {"sub": "system", "role": "system"}


class _Policies:
    async def get(self, tenant: str) -> Any:
        from services.appeals.policy import TenantPolicy

        return TenantPolicy()
