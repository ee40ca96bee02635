"""Deliveries: one record per (event, channel), so a notice is sent at most once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from chassis.mongo import TenantRepository


class DeliveryRepository(TenantRepository):
    collection_name = "deliveries"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("citizen_sub", ASCENDING), ("created_at", DESCENDING)]
        )

    async def claim(self, delivery_id: str, record: dict[str, Any]) -> bool:
        """Claim a delivery before sending. False if it was already sent.

        A claim left in `sending` by a crash mid-send is re-claimed: the resend uses the same
        Message-ID, so the window for a visible duplicate is one SMTP round trip.
        """
        now = datetime.now(UTC)
        try:
            await self.collection.insert_one(
                {
                    **record,
                    "_id": delivery_id,
                    "status": "sending",
                    "attempts": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            return True
        except DuplicateKeyError:
            existing = await self.collection.find_one_and_update(
                {"_id": delivery_id, "status": {"$ne": "sent"}},
                {"$set": {"status": "sending", "updated_at": now}, "$inc": {"attempts": 1}},
            )
            return existing is not None

    async def mark_sent(self, delivery_id: str) -> None:
        now = datetime.now(UTC)
        await self.collection.update_one(
            {"_id": delivery_id}, {"$set": {"status": "sent", "sent_at": now, "updated_at": now}}
        )

    async def mark_failed(self, delivery_id: str, error: str) -> None:
        await self.collection.update_one(
            {"_id": delivery_id},
            {"$set": {"status": "failed", "error": error[:300], "updated_at": datetime.now(UTC)}},
        )

    async def list_for_citizen(
        self, tenant: str, citizen_sub: str, limit: int
    ) -> list[dict[str, Any]]:
        cursor = self.collection.find(
            self.scoped(tenant, {"citizen_sub": citizen_sub}),
            {"recipient": 0},
            sort=[("created_at", DESCENDING)],
            limit=limit,
        )
        return [doc async for doc in cursor]
