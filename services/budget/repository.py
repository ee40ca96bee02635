"""Storage of cycles and projects: one document each. A change and the events it emits are
ONE single-document update (the outbox), applied only if the version read is still current,
under the document's in-process lock (see write_guard)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import TenantRepository
from chassis.write_guard import DocumentLocks
from services.budget.domain.cycle import Category, Cycle, Rules


def cycle_to_doc(cycle: Cycle) -> dict[str, Any]:
    return {
        "_id": cycle.id,
        "tenant": cycle.tenant,
        "year": cycle.year,
        "title": cycle.title,
        "categories": [asdict(c) for c in cycle.categories],
        "rules": {**asdict(cycle.rules), "eligibility": list(cycle.rules.eligibility)},
        "phases": {name: [start, end] for name, (start, end) in cycle.phases.items()},
        "manual_phase": cycle.manual_phase,
        "manual_at": cycle.manual_at,
        "paused_at": cycle.paused_at,
        "announced_phase": cycle.announced_phase,
        "created_at": cycle.created_at,
        "results_published": cycle.results_published,
    }


def cycle_from_doc(doc: dict[str, Any]) -> Cycle:
    rules = dict(doc["rules"])
    rules["eligibility"] = tuple(rules.get("eligibility") or ())
    return Cycle(
        id=doc["_id"],
        tenant=doc["tenant"],
        year=doc["year"],
        title=doc["title"],
        categories=tuple(Category(**c) for c in doc["categories"]),
        rules=Rules(**rules),
        phases={name: (pair[0], pair[1]) for name, pair in doc["phases"].items()},
        manual_phase=doc.get("manual_phase"),
        manual_at=doc.get("manual_at"),
        paused_at=doc.get("paused_at"),
        announced_phase=doc.get("announced_phase") or "scheduled",
        created_at=doc.get("created_at"),
        results_published=bool(doc.get("results_published")),
    )


class CycleRepository(TenantRepository):
    collection_name = "cycles"

    def __init__(self, db: AsyncDatabase[dict[str, Any]], locks: DocumentLocks) -> None:
        super().__init__(db)
        self.locks = locks

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("tenant", ASCENDING), ("year", ASCENDING)])

    async def add(self, cycle: Cycle, outbox: list[dict[str, Any]]) -> None:
        await self.collection.insert_one({**cycle_to_doc(cycle), "version": 1, "outbox": outbox})

    async def get(self, tenant: str, cycle_id: str) -> tuple[Cycle, int, dict[str, Any]] | None:
        """The cycle, its version, and its stored results (if published)."""
        doc = await self.find_owned(tenant, cycle_id, {"outbox": 0})
        if doc is None:
            return None
        return cycle_from_doc(doc), int(doc.get("version", 1)), doc.get("results") or {}

    async def save(
        self,
        cycle: Cycle,
        version: int,
        outbox: list[dict[str, Any]],
        extra: dict[str, Any] | None = None,
    ) -> bool:
        """Store the changed cycle and its events if nobody changed it since `version`."""
        doc = cycle_to_doc(cycle)
        doc.pop("_id")
        update: dict[str, Any] = {"$set": {**doc, **(extra or {}), "version": version + 1}}
        if outbox:
            update["$push"] = {"outbox": {"$each": outbox}}
        async with self.locks.hold(cycle.id):
            result = await self.collection.update_one(
                self.scoped(cycle.tenant, {"_id": cycle.id, "version": version}), update
            )
        return result.modified_count == 1

    async def list_of(self, tenant: str) -> list[dict[str, Any]]:
        cursor = self.collection.find(
            {"tenant": tenant}, {"outbox": 0, "results": 0}, sort=[("year", -1)]
        )
        return await cursor.to_list(None)

    async def all_cycle_ids(self) -> list[tuple[str, str]]:
        """Every council's cycles (the phase job is a system job that looks across them)."""
        cursor = self.collection.find({}, {"_id": 1, "tenant": 1})
        return [(doc["tenant"], doc["_id"]) async for doc in cursor]


class ProjectRepository(TenantRepository):
    collection_name = "projects"

    def __init__(self, db: AsyncDatabase[dict[str, Any]], locks: DocumentLocks) -> None:
        super().__init__(db)
        self.locks = locks

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("cycle_id", ASCENDING), ("submitted_at", ASCENDING)]
        )

    async def add(self, doc: dict[str, Any], outbox: list[dict[str, Any]]) -> None:
        await self.collection.insert_one({**doc, "version": 1, "outbox": outbox})

    async def get(self, tenant: str, project_id: str) -> dict[str, Any] | None:
        return await self.find_owned(tenant, project_id, {"outbox": 0})

    async def update(
        self,
        tenant: str,
        project_id: str,
        version: int,
        fields: dict[str, Any],
        outbox: list[dict[str, Any]],
        push: dict[str, Any] | None = None,
    ) -> bool:
        update: dict[str, Any] = {"$set": {**fields, "version": version + 1}}
        pushes = dict(push or {})
        if outbox:
            pushes["outbox"] = {"$each": outbox}
        if pushes:
            update["$push"] = pushes
        async with self.locks.hold(project_id):
            result = await self.collection.update_one(
                self.scoped(tenant, {"_id": project_id, "version": version}), update
            )
        return result.modified_count == 1

    async def of_cycle(self, tenant: str, cycle_id: str) -> list[dict[str, Any]]:
        cursor = self.collection.find(
            {"tenant": tenant, "cycle_id": cycle_id},
            {"outbox": 0},
            sort=[("submitted_at", ASCENDING), ("_id", ASCENDING)],
        )
        return await cursor.to_list(None)
