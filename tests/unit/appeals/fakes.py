"""In-memory stand-ins with the repositories' semantics (version-guarded saves included)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import Any

from services.appeals.domain import OPEN_STATUSES, Appeal
from services.appeals.domain.category import Category
from services.appeals.domain.similarity import EarlierAppeal
from services.appeals.repository import NumberTaken


class FakeAppealRepository:
    def __init__(self) -> None:
        self.docs: dict[str, Appeal] = {}
        self.outbox: dict[str, list[dict[str, Any]]] = {}
        self.seq = 0
        self.conflicts_to_inject = 0

    async def next_number_seq(self, tenant: str, year: int) -> int:
        self.seq += 1
        return self.seq

    async def add(self, appeal: Appeal, outbox: list[dict[str, Any]]) -> None:
        if any(a.number == appeal.number and a.tenant == appeal.tenant for a in self.docs.values()):
            raise NumberTaken(appeal.number)
        self.docs[appeal.id] = copy.deepcopy(appeal)
        self.outbox[appeal.id] = list(outbox)

    async def get(self, tenant: str, appeal_id: str) -> Appeal | None:
        found = self.docs.get(appeal_id)
        return copy.deepcopy(found) if found and found.tenant == tenant else None

    async def save_change(
        self, appeal: Appeal, entry: dict[str, Any], outbox: list[dict[str, Any]]
    ) -> bool:
        stored = self.docs[appeal.id]
        if self.conflicts_to_inject:
            self.conflicts_to_inject -= 1
            stored.version += 1  # someone else changed it meanwhile
            return False
        if stored.version != appeal.version:
            return False
        saved = replace(copy.deepcopy(appeal), version=appeal.version + 1)
        saved.audit = [*stored.audit, entry]
        self.docs[appeal.id] = saved
        self.outbox[appeal.id] += outbox
        return True

    async def recent_by_citizen(
        self, tenant: str, citizen_sub: str, since: datetime
    ) -> list[EarlierAppeal]:
        return [
            EarlierAppeal(a.id, a.number, frozenset(a.subject_tokens), a.received_at)
            for a in self.docs.values()
            if a.tenant == tenant and a.citizen_sub == citizen_sub and a.received_at >= since
        ]

    async def clock_candidates(self, until: datetime, limit: int) -> list[tuple[str, str]]:
        return [
            (a.tenant, a.id)
            for a in sorted(self.docs.values(), key=lambda a: a.due_at)
            if a.clock_pending and a.status in OPEN_STATUSES and a.due_at <= until
        ][:limit]

    def events(self, appeal_id: str) -> list[str]:
        return [r["envelope"]["type"] for r in self.outbox[appeal_id]]


class FakeCategories:
    def __init__(self, *categories: Category) -> None:
        self.items = {(c.tenant, c.code): c for c in categories}

    async def get(self, tenant: str, code: str) -> Category | None:
        return self.items.get((tenant, code))
