"""Deliveries: one record per (event, recipient, channel), so a notice is sent at most once, and
a notice that could not be sent yet is kept and retried instead of lost. The records are the
delivery log: queued (waiting out quiet hours), sending, sent, retrying, failed, suppressed (the
citizen turned the channel off), cancelled (the citizen was erased).

Unfinished deliveries also have an entry in the small `delivery_queue` collection (due time of
the next attempt). The retry worker looks only there, so its polling costs nothing however
many deliveries were ever made (FerretDB scans a whole collection for any non-_id filter).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from chassis.mongo import TenantRepository

FINISHED_STATUSES = ("sent", "failed", "suppressed", "cancelled")
# A claim older than this while still `sending` was left by a crash mid-send.
STALE_SENDING = timedelta(minutes=2)


class DeliveryRepository(TenantRepository):
    collection_name = "deliveries"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("citizen_sub", ASCENDING), ("created_at", DESCENDING)]
        )
        # The retry worker looks across tenants for what is due.
        await self.queue.create_index([("due_at", ASCENDING)])

    @property
    def queue(self) -> Any:
        return self.db["delivery_queue"]

    async def claim(self, delivery_id: str, record: dict[str, Any]) -> bool:
        """Claim a delivery before sending. False if it was already sent or is queued for retry.

        A claim left in `sending` by a crash mid-send is re-claimed when the event comes again:
        the resend uses the same Message-ID, so a visible duplicate needs a crash inside one
        SMTP round trip.
        """
        now = datetime.now(UTC)
        # Queued first: a crash after this point leaves an entry the retry worker picks up.
        await self.queue.update_one(
            {"_id": delivery_id},
            {"$set": {"tenant": record.get("tenant"), "due_at": now + STALE_SENDING}},
            upsert=True,
        )
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
            existing = await self.collection.find_one({"_id": delivery_id}, {"status": 1})
            if existing is None or existing["status"] != "sending":
                if existing is not None and existing["status"] == "sent":
                    await self.queue.delete_one({"_id": delivery_id})
                return False
            await self.collection.update_one(
                {"_id": delivery_id}, {"$set": {"updated_at": now}, "$inc": {"attempts": 1}}
            )
            return True

    async def hold(self, delivery_id: str, record: dict[str, Any], until: datetime) -> bool:
        """Record a delivery that must wait (quiet hours) and queue its first attempt for
        `until`. False if the delivery already exists."""
        now = datetime.now(UTC)
        try:
            await self.collection.insert_one(
                {
                    **record,
                    "_id": delivery_id,
                    "status": "queued",
                    "attempts": 0,
                    "next_attempt_at": until,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        except DuplicateKeyError:
            return False
        await self.queue.update_one(
            {"_id": delivery_id},
            {"$set": {"tenant": record.get("tenant"), "due_at": until}},
            upsert=True,
        )
        return True

    async def record_suppressed(self, delivery_id: str, record: dict[str, Any]) -> None:
        """The citizen turned this channel off: say so in the log, send nothing."""
        now = datetime.now(UTC)
        doc = {**record, "_id": delivery_id, "status": "suppressed", "attempts": 0}
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.insert_one({**doc, "created_at": now, "updated_at": now})

    async def mark_sent(self, delivery_id: str) -> None:
        now = datetime.now(UTC)
        await self.collection.update_one(
            {"_id": delivery_id},
            {"$set": {"status": "sent", "sent_at": now, "updated_at": now, "error": None}},
        )
        await self.queue.delete_one({"_id": delivery_id})

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
        if next_attempt_at is None:
            await self.queue.delete_one({"_id": delivery_id})
        else:
            await self.queue.update_one(
                {"_id": delivery_id}, {"$set": {"due_at": next_attempt_at}}, upsert=True
            )

    async def claim_due_retry(self, now: datetime) -> dict[str, Any] | None:
        """Take one delivery whose next attempt is due (or whose sender crashed mid-send).

        The queue entry is pushed forward as the claim, so another worker skips it while this
        attempt runs; if this worker dies, the entry falls due again.
        """
        entry = await self.queue.find_one_and_update(
            {"due_at": {"$lte": now}}, {"$set": {"due_at": now + STALE_SENDING}}
        )
        if entry is None:
            return None
        delivery = await self.collection.find_one_and_update(
            {"_id": entry["_id"]},
            {"$set": {"status": "sending", "updated_at": now}, "$inc": {"attempts": 1}},
            return_document=ReturnDocument.AFTER,
        )
        if delivery is None or "message" not in delivery:
            await self.queue.delete_one({"_id": entry["_id"]})  # nothing left to send
            return await self.claim_due_retry(now)
        return delivery

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
