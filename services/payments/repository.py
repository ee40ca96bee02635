"""Payments storage: one document per payment. A change, its history entry and its outbox
events are ONE single-document update, guarded by the version that was read."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.mongo import TenantRepository
from services.payments.domain import (
    ACTIVE_STATUSES,
    PAID_STATUSES,
    Payment,
    Requisites,
    StatusChange,
)

_IMMUTABLE = {"id", "tenant", "purpose", "reference", "amount", "citizen_sub", "created_at"}
HIDDEN = {"outbox": 0}


class PaymentRepository(TenantRepository):
    collection_name = "payments"

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        super().__init__(db)
        self.provider_events = db["provider_events"]

    async def ensure_indexes(self) -> None:
        tenant = ("tenant", ASCENDING)
        await self.collection.create_index(
            [tenant, ("citizen_sub", ASCENDING), ("created_at", DESCENDING)]
        )
        await self.collection.create_index([tenant, ("created_at", DESCENDING)])
        await self.collection.create_index([tenant, ("succeeded_at", ASCENDING)])
        # The expiry job looks across councils (a system job): no tenant prefix here.
        await self.collection.create_index([("status", ASCENDING), ("expires_at", ASCENDING)])
        await self.provider_events.create_index([tenant, ("payment_id", ASCENDING)])

    async def add(self, payment: Payment, outbox: list[dict[str, Any]]) -> None:
        """Insert; DuplicateKeyError if the id exists (a booking's intent is created once)."""
        doc = payment.to_doc()
        doc.update(_id=payment.id, version=1, outbox=outbox)
        await self.collection.insert_one(doc)

    async def get(self, tenant: str, payment_id: str) -> Payment | None:
        doc = await self.find_owned(tenant, payment_id, HIDDEN)
        return to_payment(doc) if doc else None

    async def get_any_tenant(self, payment_id: str) -> Payment | None:
        """For system jobs that already know the id from a cross-council query."""
        doc = await self.collection.find_one({"_id": payment_id}, HIDDEN)
        return to_payment(doc) if doc else None

    async def save(self, payment: Payment, outbox: list[dict[str, Any]]) -> bool:
        """Store the change if nobody changed the payment since it was read; False otherwise."""
        fields = {k: v for k, v in asdict(payment).items() if k not in _IMMUTABLE}
        update: dict[str, Any] = {"$set": {**fields, "version": payment.version + 1}}
        if outbox:
            update["$push"] = {"outbox": {"$each": outbox}}
        result = await self.collection.update_one(
            self.scoped(payment.tenant, {"_id": payment.id, "version": payment.version}), update
        )
        return result.modified_count == 1

    async def list_page(
        self, tenant: str, citizen_sub: str | None, limit: int, before: datetime | None
    ) -> list[Payment]:
        query: dict[str, Any] = {}
        if citizen_sub is not None:
            query["citizen_sub"] = citizen_sub
        if before is not None:
            query["created_at"] = {"$lt": before}
        cursor = self.collection.find(
            self.scoped(tenant, query),
            {"outbox": 0, "history": 0},
            sort=[("created_at", DESCENDING)],
            limit=limit,
        )
        return [to_payment(doc) async for doc in cursor]

    async def due_for_expiry(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        cursor = self.collection.find(
            {"status": {"$in": sorted(ACTIVE_STATUSES)}, "expires_at": {"$lte": now}},
            {"_id": 1, "tenant": 1},
            limit=limit,
        )
        return [(d["tenant"], d["_id"]) async for d in cursor]

    async def waiting_for_provider(
        self, quiet_since: datetime, limit: int
    ) -> list[tuple[str, str]]:
        """Started payments and pending refunds the provider has not told us about lately."""
        cursor = self.collection.find(
            {"status": {"$in": ["started", "refund_pending"]}, "updated_at": {"$lte": quiet_since}},
            {"_id": 1, "tenant": 1},
            limit=limit,
        )
        return [(d["tenant"], d["_id"]) async for d in cursor]

    async def paid_between(self, tenant: str, start: datetime, end: datetime) -> list[Payment]:
        cursor = self.collection.find(
            self.scoped(
                tenant,
                {
                    "status": {"$in": sorted(PAID_STATUSES)},
                    "succeeded_at": {"$gte": start, "$lt": end},
                },
            ),
            {"outbox": 0, "history": 0},
        )
        return [to_payment(doc) async for doc in cursor]

    async def record_provider_event(self, tenant: str, event: dict[str, Any]) -> bool:
        """Keep what the provider told us; False if this exact message was seen before."""
        try:
            await self.provider_events.insert_one({**event, "tenant": tenant})
        except DuplicateKeyError:
            return False
        return True


def to_payment(doc: dict[str, Any]) -> Payment:
    fields = {k: v for k, v in doc.items() if k in Payment.__dataclass_fields__ and k != "id"}
    fields["requisites"] = Requisites(**doc["requisites"])
    fields["history"] = [StatusChange(**h) for h in doc.get("history", [])]
    return Payment(id=doc["_id"], **fields)
