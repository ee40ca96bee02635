"""Lists read each appeal's row (list_rows.py) on the real database: a write updates the row
at once, an older row never replaces a newer one, and an appeal whose write crashed before
its row is listed as it is after the repair job's next round."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.lease import LeaderLease
from services.appeals.domain import Appeal
from services.appeals.list_rows import ListRowsRepair, row_of
from services.appeals.listing import ListFilters
from services.appeals.repository import AppealRepository
from services.appeals.use_cases import AppealUseCases

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def appeal(tenant: str, n: int) -> Appeal:
    return Appeal(
        tenant=tenant,
        number=f"T-{n}",
        kind="statement",
        subject="Ремонт дороги",
        subject_tokens=["дороги", "ремонт"],
        text="Текст",
        address="Адреса",
        citizen_sub=f"c{n}",
        citizen_name="Олена",
        received_at=NOW - timedelta(days=1),
        due_at=NOW + timedelta(days=n),
    )


async def listed(repo: AppealRepository, tenant: str, **filters: Any) -> list[tuple[str, str]]:
    staff = Principal(sub="o1", name="Посадовиця", roles=frozenset({"official"}), tenant=tenant)
    cases = AppealUseCases(repo, "Europe/Kyiv", clock=lambda: NOW)  # type: ignore[arg-type]
    page = await cases.list_appeals(tenant, staff, ListFilters(**filters), 50, None)
    return [(doc["_id"], doc["status"]) for doc in page.items]


async def test_a_change_shows_in_the_list_at_once(repo: AppealRepository) -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    first, second = appeal(tenant, 1), appeal(tenant, 2)
    await repo.add(first, outbox=[])
    await repo.add(second, outbox=[])
    stored = await repo.get(tenant, first.id)
    assert stored is not None

    assert await repo.save_change(replace(stored, status="assigned"), {"action": "assign"}, [])

    assert await listed(repo, tenant) == [(first.id, "assigned"), (second.id, "registered")]
    assert await listed(repo, tenant, status="assigned") == [(first.id, "assigned")]
    doc = await repo.collection.find_one({"_id": first.id})
    assert doc is not None and (doc["list_pending"], doc["version"]) == (False, 2)


async def test_an_older_row_never_replaces_a_newer_one(repo: AppealRepository) -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    filed = appeal(tenant, 1)
    await repo.add(filed, outbox=[])
    stored = await repo.get(tenant, filed.id)
    assert stored is not None
    assert await repo.save_change(replace(stored, status="assigned"), {"action": "assign"}, [])

    # A slow writer of version 1 arrives after version 2 was listed.
    await repo.rows.write(row_of({**vars(filed), "status": "registered"}, version=1))

    assert await listed(repo, tenant) == [(filed.id, "assigned")]


async def test_the_repair_lists_an_appeal_whose_write_crashed_before_its_row(
    repo: AppealRepository,
) -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    filed = appeal(tenant, 1)
    await repo.add(filed, outbox=[])
    # The write of version 2 as save_change makes it, cut off before the row: the appeal
    # changed and flagged, its row still at version 1.
    await repo.collection.update_one(
        {"_id": filed.id},
        {"$set": {"status": "answered", "version": 2, "list_pending": True}},
    )
    assert await listed(repo, tenant) == [(filed.id, "registered")]
    lease = LeaderLease(repo.db, f"list-rows-{uuid.uuid4().hex[:6]}", "test", 60)
    repair = ListRowsRepair(repo.db, repo.rows, lease, interval_s=30)

    assert await repair.tick() == 1

    assert await listed(repo, tenant) == [(filed.id, "answered")]
    doc = await repo.collection.find_one({"_id": filed.id})
    assert doc is not None and doc["list_pending"] is False
    assert await repair.tick() == 0  # nothing flagged is left
