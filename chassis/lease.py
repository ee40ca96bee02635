"""A leader lease in MongoDB for periodic jobs: one replica runs the job, another takes over
when the holder stops renewing. One atomic find-and-modify, so it works on FerretDB too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


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
