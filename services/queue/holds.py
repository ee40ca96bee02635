"""Pending payment holds, one small document per unpaid booking (`_id` = booking id), so the
leader's job finds expired holds every few seconds without reading every booking (on FerretDB
any filter but `_id` reads the whole collection). Written before the booking, removed once it
is paid or released; a stray hold (its booking never stored, or already settled) is simply
removed when the job meets it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase


class HoldRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.holds = db["payment_holds"]

    async def add(self, tenant: str, booking_id: str, expires_at: datetime) -> None:
        await self.holds.insert_one({"_id": booking_id, "tenant": tenant, "expires_at": expires_at})

    async def remove(self, booking_id: str) -> None:
        await self.holds.delete_one({"_id": booking_id})

    async def due(self, now: datetime, limit: int = 500) -> list[dict[str, Any]]:
        return await self.holds.find({"expires_at": {"$lte": now}}).limit(limit).to_list(None)
