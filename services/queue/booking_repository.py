"""Bookings: one document each (its state, `history`, `outbox`, `version`), read by `_id`.

A change is applied under the booking's in-process lock (see write_guard) and stored in ONE
update guarded by the version read: the new fields, the history entry and the events it
announces. The relay is then told to publish them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chassis.logging import get_logger
from chassis.mongo import TenantRepository
from contracts.envelope import EventModel
from services.queue.clock import utc_now
from services.queue.domain.errors import conflict, not_found
from services.queue.events import to_outbox
from services.queue.write_guard import DocumentLocks

log = get_logger("queue.bookings")
MAX_ATTEMPTS = 5


@dataclass
class BookingChange:
    """What a rule decided: fields to set, the history entry's action, the events."""

    action: str
    fields: dict[str, Any]
    events: list[EventModel] = field(default_factory=list)
    by: str = "system"
    reason: str | None = None


Rule = Callable[[dict[str, Any], datetime], BookingChange | None]
# Told after a write stored events: (collection, document id, the outbox records).
EventsStored = Callable[[str, str, list[dict[str, Any]]], None]


class BookingRepository(TenantRepository):
    collection_name = "bookings"

    def __init__(
        self,
        db: Any,
        locks: DocumentLocks,
        on_events_stored: EventsStored = lambda collection, doc_id, records: None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(db)
        self.locks = locks
        self.on_events_stored = on_events_stored
        self.clock = clock

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("tenant", 1), ("status", 1)])
        await self.collection.create_index([("tenant", 1), ("citizen.sub", 1)])

    async def insert(self, booking: dict[str, Any], events: list[EventModel]) -> None:
        booking["outbox"] = to_outbox(booking["tenant"], booking["_id"], events)
        await self.collection.insert_one(booking)
        if events:
            self.on_events_stored(self.collection.name, booking["_id"], booking["outbox"])

    async def get(self, tenant: str, booking_id: str) -> dict[str, Any] | None:
        return await self.find_owned(tenant, booking_id, {"outbox": 0})

    async def change(self, tenant: str, booking_id: str, rule: Rule) -> dict[str, Any]:
        """Load, apply `rule` (None = nothing to do), store; re-apply if another writer won."""
        for _ in range(MAX_ATTEMPTS):
            async with self.locks.hold(booking_id):
                booking = await self.get(tenant, booking_id)
                if booking is None:
                    raise not_found("Запис не знайдено / No such booking")
                now = self.clock()
                change = rule(booking, now)
                if change is None:
                    return booking
                entry = {"at": now, "action": change.action, "by": change.by}
                if change.reason:
                    entry["reason"] = change.reason
                updated = {**booking, **change.fields}
                records = to_outbox(tenant, booking_id, change.events)
                result = await self.collection.update_one(
                    {"_id": booking_id, "version": booking["version"]},
                    {
                        "$set": {**change.fields, "updated_at": now},
                        "$inc": {"version": 1},
                        "$push": {"history": entry, "outbox": {"$each": records}},
                    },
                )
            if result.modified_count == 1:
                if records:
                    self.on_events_stored(self.collection.name, booking_id, records)
                log.info(f"booking.{change.action}", booking_id=booking_id)
                updated["version"] = booking["version"] + 1
                updated["history"] = [*booking.get("history", []), entry]
                return updated
        raise conflict("Запис щойно змінено, спробуйте ще / The booking changed meanwhile; retry")

    async def clear_to_free(self, booking_id: str) -> None:
        """The seats listed in `to_free` were given back."""
        async with self.locks.hold(booking_id):
            await self.collection.update_one({"_id": booking_id}, {"$set": {"to_free": []}})

    async def find_due(self, query: dict[str, Any], limit: int = 200) -> list[dict[str, Any]]:
        """Bookings of any council matching `query` (the leader's job works across councils)."""
        return await self.collection.find(query, {"outbox": 0}).limit(limit).to_list(None)

    async def of_office_between(
        self, tenant: str, office_id: str, starts: datetime, ends: datetime
    ) -> list[dict[str, Any]]:
        """Active bookings at the office overlapping [starts, ends)."""
        return await self.collection.find(
            {
                "tenant": tenant,
                "office_id": office_id,
                "status": {"$in": ["awaiting_payment", "booked"]},
                "start": {"$lt": ends},
                "end": {"$gt": starts},
            },
            {"outbox": 0},
        ).to_list(None)

    async def of_citizen(self, tenant: str, sub: str, limit: int) -> list[dict[str, Any]]:
        return (
            await self.collection.find({"tenant": tenant, "citizen.sub": sub}, {"outbox": 0})
            .sort("start", -1)
            .limit(limit)
            .to_list(None)
        )


__all__ = ["BookingChange", "BookingRepository", "EventsStored", "Rule"]
