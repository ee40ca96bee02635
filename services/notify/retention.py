"""Retention of the delivery log: a periodic job, run by one leader across replicas, deletes
finished deliveries older than the council's `notify_retention_days` (its settings copy; the
service's default, 90 days, for the rest). Unfinished ones (queued, retrying) stay until they
finish, and the inbox keeps what the citizen has not deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog

from chassis.lease import LeaderLease, run_as_leader
from chassis.tenant_settings import TenantSettingsReader
from services.notify.repository import FINISHED_STATUSES, DeliveryRepository

log = structlog.get_logger("notify.retention")


class DeliveryRetention:
    def __init__(
        self,
        deliveries: DeliveryRepository,
        councils: TenantSettingsReader,
        lease: LeaderLease,
        retention_days: int,
        interval_s: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.deliveries = deliveries
        self.councils = councils
        self.lease = lease
        self.retention = timedelta(days=retention_days)
        self.interval_s = interval_s
        self.clock = clock

    async def sweep(self) -> int:
        now = self.clock()
        finished = {"status": {"$in": list(FINISHED_STATUSES)}}
        own: dict[str, int] = {}
        async for doc in self.councils.collection.find({}, {"settings": 1}):
            days = (doc.get("settings") or {}).get("notify_retention_days")
            if isinstance(days, int) and days > 0:
                own[str(doc["_id"])] = days
        deleted = 0
        for tenant, days in own.items():
            cutoff = now - timedelta(days=days)
            result = await self.deliveries.collection.delete_many(
                {"tenant": tenant, "created_at": {"$lt": cutoff}, **finished}
            )
            deleted += result.deleted_count
        result = await self.deliveries.collection.delete_many(
            {"tenant": {"$nin": list(own)}, "created_at": {"$lt": now - self.retention}, **finished}
        )
        deleted += result.deleted_count
        if deleted:
            log.info("retention.deleted", deliveries=deleted)
        return int(deleted)

    async def run(self) -> None:
        await run_as_leader(self.lease, self.interval_s, self.sweep, "notify.retention")
