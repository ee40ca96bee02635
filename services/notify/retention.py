"""Retention of the delivery log (default 90 days): a periodic job, run by one leader across
replicas, deletes finished deliveries older than that. Unfinished ones (queued, retrying) stay
until they finish, and the inbox keeps what the citizen has not deleted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog

from chassis.background import cancelling
from chassis.lease import LeaderLease
from chassis.tracing import untraced
from services.notify.repository import FINISHED_STATUSES, DeliveryRepository

log = structlog.get_logger("notify.retention")


class DeliveryRetention:
    def __init__(
        self,
        deliveries: DeliveryRepository,
        lease: LeaderLease,
        retention_days: int,
        interval_s: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.deliveries = deliveries
        self.lease = lease
        self.retention = timedelta(days=retention_days)
        self.interval_s = interval_s
        self.clock = clock

    async def sweep(self) -> int:
        cutoff = self.clock() - self.retention
        result = await self.deliveries.collection.delete_many(
            {"created_at": {"$lt": cutoff}, "status": {"$in": list(FINISHED_STATUSES)}}
        )
        if result.deleted_count:
            log.info("retention.deleted", deliveries=result.deleted_count, before=cutoff)
        return int(result.deleted_count)

    async def run(self) -> None:
        while True:
            try:
                with untraced():
                    if await self.lease.try_acquire():
                        await self.sweep()
            except Exception as exc:
                if cancelling():
                    raise
                log.warning("retention.failed", error=type(exc).__name__)
            await asyncio.sleep(self.interval_s)
