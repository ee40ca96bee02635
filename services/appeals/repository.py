"""Appeals storage: one document per appeal, its outbox events written in the same insert."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from chassis.mongo import TenantRepository, next_sequence
from services.appeals.domain import Appeal


class NumberTaken(Exception):
    """Another appeal already holds this registration number."""


class AppealRepository(TenantRepository):
    collection_name = "appeals"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("number", ASCENDING)], unique=True
        )
        await self.collection.create_index(
            [("tenant", ASCENDING), ("citizen_sub", ASCENDING), ("received_at", DESCENDING)]
        )
        await self.collection.create_index([("tenant", ASCENDING), ("due_at", ASCENDING)])

    async def next_number_seq(self, tenant: str, year: int) -> int:
        return await next_sequence(self.db, tenant, f"appeal-number:{year}")

    async def add(self, appeal: Appeal, outbox: list[dict[str, Any]]) -> None:
        doc = asdict(appeal)
        doc["_id"] = doc.pop("id")
        doc.update(version=1, outbox=outbox, outbox_pending=bool(outbox))
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError as exc:
            # _id is a fresh UUID, so the unique (tenant, number) index is what refused it.
            raise NumberTaken(appeal.number) from exc

    async def get(self, tenant: str, appeal_id: str) -> Appeal | None:
        doc = await self.collection.find_one(
            self.scoped(tenant, {"_id": appeal_id}), {"outbox": 0, "outbox_pending": 0}
        )
        return _to_appeal(doc) if doc else None


def _to_appeal(doc: dict[str, Any]) -> Appeal:
    fields = {k: v for k, v in doc.items() if k in Appeal.__dataclass_fields__}
    return Appeal(id=doc["_id"], **fields)
