"""Appeals storage: one document per appeal. A change, its audit entry and its outbox events are
ONE single-document update, guarded by the version that was read (optimistic concurrency)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.mongo import TenantRepository, next_sequence
from chassis.write_guard import DocumentLocks
from services.appeals.domain import OPEN_STATUSES, Appeal
from services.appeals.domain.similarity import REPEAT_WINDOW, EarlierAppeal
from services.appeals.listing import LIST_SORT

# Never rewritten by a change: the identity and what the citizen filed.
_IMMUTABLE = {"id", "tenant", "number", "citizen_sub", "received_at", "audit", "version"}
LIST_PROJECTION = {"text": 0, "audit": 0, "history": 0, "outbox": 0, "answer": 0, "address": 0}


class NumberTaken(Exception):
    """Another appeal already holds this registration number."""


RECENT_BY_CITIZEN = "recent_by_citizen"
MAX_RECENT = 50


class AppealRepository(TenantRepository):
    collection_name = "appeals"

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        super().__init__(db)
        self._number_locks = DocumentLocks()

    async def ensure_indexes(self) -> None:
        tenant = ("tenant", ASCENDING)
        await self.collection.create_index([tenant, ("number", ASCENDING)], unique=True)
        await self.collection.create_index(
            [tenant, ("citizen_sub", ASCENDING), ("received_at", DESCENDING)]
        )
        await self.collection.create_index([tenant, ("due_at", ASCENDING)])
        await self.collection.create_index([tenant, *LIST_SORT])
        await self.collection.create_index([tenant, ("status", ASCENDING), *LIST_SORT])
        # The statutory clock looks across councils (a system job): no tenant prefix here.
        await self.collection.create_index([("clock_pending", ASCENDING), ("due_at", ASCENDING)])
        # Appeals filed before the workflow existed sort with the others in staff lists.
        await self.collection.update_many(
            {"priority": {"$exists": False}}, {"$set": {"priority": False}}
        )
        await self.collection.update_many(
            {"clock_pending": {"$exists": False}}, {"$set": {"clock_pending": True}}
        )

    async def next_number_seq(self, tenant: str, year: int) -> int:
        # One allocation at a time per council and year in this process: FerretDB hands the
        # same counter value to concurrent callers, and under load the retries that follow
        # (each an insert refused by the unique index) cost more than waiting our turn.
        async with self._number_locks.hold(f"{tenant}:{year}"):
            return await next_sequence(self.db, tenant, f"appeal-number:{year}")

    async def add(self, appeal: Appeal, outbox: list[dict[str, Any]]) -> None:
        doc = asdict(appeal)
        doc["_id"] = doc.pop("id")
        doc.update(version=1, outbox=outbox)
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError as exc:
            # _id is a fresh UUID, so the unique (tenant, number) index is what refused it.
            raise NumberTaken(appeal.number) from exc
        await self._remember_for_repeats(appeal)

    async def _remember_for_repeats(self, appeal: Appeal) -> None:
        """Keep the citizen's recent subjects in one small document read by `_id`, so the
        repeat check on filing never searches the appeals (a full read on FerretDB). It is a
        hint for the official: if two filings race, one entry may be missing, nothing else."""
        key = f"{appeal.tenant}:{appeal.citizen_sub}"
        recent = await self.db[RECENT_BY_CITIZEN].find_one({"_id": key})
        since = appeal.received_at - REPEAT_WINDOW
        entries = [e for e in (recent or {}).get("appeals", []) if e["received_at"] >= since]
        entries = [
            *entries[-(MAX_RECENT - 1) :],
            {
                "id": appeal.id,
                "number": appeal.number,
                "subject_tokens": sorted(appeal.subject_tokens),
                "received_at": appeal.received_at,
            },
        ]
        await self.db[RECENT_BY_CITIZEN].update_one(
            {"_id": key}, {"$set": {"tenant": appeal.tenant, "appeals": entries}}, upsert=True
        )

    async def get(self, tenant: str, appeal_id: str) -> Appeal | None:
        doc = await self.find_owned(tenant, appeal_id, {"outbox": 0, "outbox_pending": 0})
        return to_appeal(doc) if doc else None

    async def save_change(
        self, appeal: Appeal, audit_entry: dict[str, Any], outbox: list[dict[str, Any]]
    ) -> bool:
        """Store the changed appeal, append its audit entry and events, in one update that
        applies only if nobody changed the appeal since it was read. False on a conflict."""
        fields = {k: v for k, v in asdict(appeal).items() if k not in _IMMUTABLE}
        update: dict[str, Any] = {
            "$set": {**fields, "version": appeal.version + 1},
            "$push": {"audit": audit_entry},
        }
        if outbox:
            update["$push"]["outbox"] = {"$each": outbox}
        result = await self.collection.update_one(
            self.scoped(appeal.tenant, {"_id": appeal.id, "version": appeal.version}), update
        )
        return result.modified_count == 1

    async def recent_by_citizen(
        self, tenant: str, citizen_sub: str, since: datetime
    ) -> list[EarlierAppeal]:
        recent = await self.db[RECENT_BY_CITIZEN].find_one({"_id": f"{tenant}:{citizen_sub}"})
        return [
            EarlierAppeal(
                id=e["id"],
                number=e["number"],
                subject_tokens=frozenset(e.get("subject_tokens") or []),
                received_at=e["received_at"],
            )
            for e in (recent or {}).get("appeals", [])
            if e["received_at"] >= since
        ]

    async def find_page(self, query: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        """One page of a list query built by `listing.build_query` (already tenant-scoped)."""
        cursor = self.collection.find(query, LIST_PROJECTION, sort=LIST_SORT, limit=limit)
        return [doc async for doc in cursor]

    async def clock_candidates(self, until: datetime, limit: int) -> list[tuple[str, str]]:
        """Open appeals of every council due before `until`: the statutory clock checks these.

        One query across councils, not one per council: on FerretDB each query reads the
        whole collection, and the clock runs every minute (a system job, so its index is the
        one that does not start with the tenant).
        """
        cursor = self.collection.find(
            {
                "clock_pending": True,
                "status": {"$in": list(OPEN_STATUSES)},
                "due_at": {"$lte": until},
            },
            {"_id": 1, "tenant": 1},
            sort=[("due_at", ASCENDING)],
            limit=limit,
        )
        return [(d["tenant"], d["_id"]) async for d in cursor]


def to_appeal(doc: dict[str, Any]) -> Appeal:
    fields = {k: v for k, v in doc.items() if k in Appeal.__dataclass_fields__ and k != "id"}
    return Appeal(id=doc["_id"], **fields)
