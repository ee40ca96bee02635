"""A leader lease in MongoDB for periodic jobs: one replica runs the job, another takes over
when the holder stops renewing. One atomic find-and-modify, so it works on FerretDB too."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.background import cancelling
from chassis.logging import get_logger
from chassis.tracing import untraced

log = get_logger("chassis.lease")


class LeaderLease:
    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], name: str, holder: str, ttl_s: float = 15.0
    ) -> None:
        self.leases = db["leases"]
        self.name = name
        self.holder = holder
        self.ttl = timedelta(seconds=ttl_s)

    async def try_acquire(self) -> bool:
        """Take or renew the lease; False while another live holder has it."""
        now = datetime.now(UTC)
        try:
            await self.leases.find_one_and_update(
                {
                    "_id": self.name,
                    "$or": [{"holder": self.holder}, {"expires_at": {"$lt": now}}],
                },
                {"$set": {"holder": self.holder, "expires_at": now + self.ttl}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False  # the document exists and another holder's lease is still valid
        return True

    async def release(self) -> None:
        await self.leases.delete_one({"_id": self.name, "holder": self.holder})


async def run_as_leader(
    lease: LeaderLease, interval_s: float, work: Callable[[], Awaitable[object]], job: str
) -> None:
    """Every `interval_s`, `work()` if this replica holds (or takes) the lease. A failed round
    is logged and the next one tries again; only cancellation ends the loop."""
    while True:
        try:
            with untraced():  # polling the lease is not worth a trace each time
                leader = await lease.try_acquire()
            if leader:
                await work()
        except Exception as exc:
            if cancelling():  # a driver may turn our cancellation into its own error
                raise
            log.warning("leader_job.failed", job=job, error=type(exc).__name__)
        await asyncio.sleep(interval_s)
