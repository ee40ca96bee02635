"""Signatures: one document per signature with the deterministic `_id`
`{tenant}:{petition}:{sub}`, so the unique `_id` itself refuses a second signature of the same
person (no read before the write), and an insert by `_id` is FerretDB's fast path.

Each signature also carries its `slot` (the second it was signed in, as an integer): counting
one slot is an equality query on the (tenant, petition_id, slot) index, which lets the tally
recount a hot petition from the signatures without reading all of them every time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from chassis.auth import Principal
from chassis.mongo import TenantRepository

SLOT_SECONDS = 1


class AlreadySigned(Exception):
    """This person's signature on this petition is already counted."""


def slot_of(moment: datetime) -> int:
    return int(moment.timestamp()) // SLOT_SECONDS


def signature_id(tenant: str, petition_id: str, sub: str) -> str:
    return f"{tenant}:{petition_id}:{sub}"


class SignatureRepository(TenantRepository):
    collection_name = "signatures"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("petition_id", ASCENDING), ("slot", ASCENDING)]
        )

    async def add(
        self, tenant: str, petition_id: str, signer: Principal, signed_at: datetime
    ) -> None:
        try:
            await self.collection.insert_one(
                {
                    "_id": signature_id(tenant, petition_id, signer.sub),
                    "tenant": tenant,
                    "petition_id": petition_id,
                    "sub": signer.sub,
                    # Kept for the council's verification export only; never shown publicly.
                    "name": signer.name,
                    "residence": signer.residence,
                    "acr": signer.acr,
                    "signed_at": signed_at,
                    "slot": slot_of(signed_at),
                }
            )
        except DuplicateKeyError as exc:
            raise AlreadySigned(petition_id) from exc

    async def count_all(self, tenant: str, petition_id: str) -> int:
        return await self.collection.count_documents(
            self.scoped(tenant, {"petition_id": petition_id})
        )

    async def count_in_slot(self, tenant: str, petition_id: str, slot: int) -> int:
        query = self.scoped(tenant, {"petition_id": petition_id, "slot": slot})
        return await self.collection.count_documents(query)

    async def count_by_slot(self, tenant: str, petition_id: str) -> dict[int, int]:
        """A full recount, per slot (one pass over the petition's signatures)."""
        pipeline: list[dict[str, Any]] = [
            {"$match": self.scoped(tenant, {"petition_id": petition_id})},
            {"$group": {"_id": "$slot", "n": {"$sum": 1}}},
        ]
        cursor = await self.collection.aggregate(pipeline)
        return {int(row["_id"]): int(row["n"]) async for row in cursor}

    async def signers(self, tenant: str, petition_id: str) -> AsyncIterator[dict[str, Any]]:
        """The signers for the council's verification, oldest first."""
        projection = {"_id": 0, "sub": 1, "name": 1, "residence": 1, "acr": 1, "signed_at": 1}
        query = self.scoped(tenant, {"petition_id": petition_id})
        async for doc in self.collection.find(query, projection).sort("signed_at", ASCENDING):
            yield doc
