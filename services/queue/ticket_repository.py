"""Hall tickets: one document per ticket with `_id` `{tenant}|{office}|{day}|{number}`, so a
number is unique per office and day by construction. A number is picked from this process's
running counter and taken by the insert; a clash (another replica) tries the next one.
Calling a ticket is claimed by one more insert (`ticket_calls`), so two windows can never call
the same person, across replicas too."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.queue.domain.hall import ticket_number

MAX_CLASHES = 1000


def ticket_id(tenant: str, office_id: str, day: str, number: str) -> str:
    return f"{tenant}|{office_id}|{day}|{number}"


class TicketRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.tickets = db["tickets"]
        self.calls = db["ticket_calls"]
        self._last: dict[tuple[str, str, str, str], int] = {}

    async def ensure_indexes(self) -> None:
        await self.tickets.create_index([("tenant", 1), ("office_id", 1), ("day", 1)])

    async def issue(
        self, tenant: str, office_id: str, day: str, letter: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        key = (tenant, office_id, day, letter)
        if key not in self._last:
            self._last[key] = await self._highest(tenant, office_id, day, letter)
        for _ in range(MAX_CLASHES):
            self._last[key] += 1
            n = self._last[key]
            number = ticket_number(letter, n)
            doc = {
                "_id": ticket_id(tenant, office_id, day, number),
                "tenant": tenant,
                "office_id": office_id,
                "day": day,
                "letter": letter,
                "n": n,
                "number": number,
                "status": "waiting",
                **fields,
            }
            try:
                await self.tickets.insert_one(doc)
                return doc
            except DuplicateKeyError:
                continue
        raise RuntimeError("ticket numbers kept clashing")

    async def _highest(self, tenant: str, office_id: str, day: str, letter: str) -> int:
        docs = await self.tickets.find(
            {"tenant": tenant, "office_id": office_id, "day": day, "letter": letter}, {"n": 1}
        ).to_list(None)
        return max((int(d["n"]) for d in docs), default=0)

    async def of_day(self, tenant: str, office_id: str, day: str) -> list[dict[str, Any]]:
        return await self.tickets.find(
            {"tenant": tenant, "office_id": office_id, "day": day}, {"outbox": 0}
        ).to_list(None)

    async def get(
        self, tenant: str, office_id: str, day: str, number: str
    ) -> dict[str, Any] | None:
        return await self.tickets.find_one(
            {"_id": ticket_id(tenant, office_id, day, number)}, {"outbox": 0}
        )

    async def claim_call(self, ticket: dict[str, Any], window: int) -> bool:
        try:
            await self.calls.insert_one(
                {"_id": ticket["_id"], "tenant": ticket["tenant"], "window": window}
            )
            return True
        except DuplicateKeyError:
            return False

    async def update(
        self, ticket: dict[str, Any], fields: dict[str, Any], outbox: list[dict[str, Any]]
    ) -> None:
        change: dict[str, Any] = {"$set": fields}
        if outbox:
            change["$push"] = {"outbox": {"$each": outbox}}
        await self.tickets.update_one({"_id": ticket["_id"]}, change)

    async def delete(self, ticket: dict[str, Any]) -> None:
        await self.tickets.delete_one({"_id": ticket["_id"]})
