"""Deliveries: one record per (event, channel), so a notice is sent at most once, and a notice
that could not be sent yet is kept and retried instead of lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from chassis.mongo import TenantRepository

# A claim older than this while still `sending` was left by a crash mid-send.
STALE_SENDING = timedelta(minutes=2)


class DeliveryRepository(TenantRepository):
    collection_name = "deliveries"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("citizen_sub", ASCENDING), ("created_at", DESCENDING)]
        )
        # The retry worker looks across tenants for what is due.
        await self.collection.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])

    async def claim(self, delivery_id: str, record: dict[str, Any]) -> bool:
        """Claim a delivery before sending. False if it was already sent or is queued for retry.

        A claim left in `sending` by a crash mid-send is re-claimed when the event comes again:
        the resend uses the same Message-ID, so a visible duplicate needs a crash inside one
        SMTP round trip.
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
                {"_id": delivery_id, "status": "sending"},
                {"$set": {"updated_at": now}, "$inc": {"attempts": 1}},
            )
            return existing is not None

    async def mark_sent(self, delivery_id: str) -> None:
        now = datetime.now(UTC)
        await self.collection.update_one(
            {"_id": delivery_id},
            {"$set": {"status": "sent", "sent_at": now, "updated_at": now, "error": None}},
        )

    async def schedule_retry(
        self, delivery_id: str, error: str, next_attempt_at: datetime | None
    ) -> None:
        """Keep the notice for the retry worker; without a next attempt it has failed for good."""
        status = "retrying" if next_attempt_at else "failed"
        await self.collection.update_one(
            {"_id": delivery_id},
            {
                "$set": {
                    "status": status,
                    "error": error[:300],
                    "next_attempt_at": next_attempt_at,
                    "updated_at": datetime.now(UTC),
                }
            },
        )

    async def claim_due_retry(self, now: datetime) -> dict[str, Any] | None:
        """Atomically take one delivery whose retry is due (or whose sender crashed)."""
        return await self.collection.find_one_and_update(
            {
                "$or": [
                    {"status": "retrying", "next_attempt_at": {"$lte": now}},
                    {"status": "sending", "updated_at": {"$lt": now - STALE_SENDING}},
                ]
            },
            {"$set": {"status": "sending", "updated_at": now}, "$inc": {"attempts": 1}},
        )

    async def list_for_citizen(
        self, tenant: str, citizen_sub: str, limit: int
    ) -> list[dict[str, Any]]:
        cursor = self.collection.find(
            self.scoped(tenant, {"citizen_sub": citizen_sub}),
            {"message": 0, "recipient": 0},
            sort=[("created_at", DESCENDING)],
            limit=limit,
        )
        return [doc async for doc in cursor]
