"""Open311 client apps a council registered: each gets an `api_key`, shown once; only its
SHA-256 is stored (the key is 256 random bits, so a fast hash is enough to make a leaked
database useless for filing), and a key works for its own council only."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING

from chassis.mongo import TenantRepository

KEY_PREFIX = "o311_"
NAME_MAX = 200


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


@dataclass(frozen=True)
class Open311Client:
    id: str
    tenant: str
    name: str
    created_at: datetime


class Open311ClientRepository(TenantRepository):
    collection_name = "open311_clients"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("key_hash", ASCENDING)], unique=True
        )

    async def register(self, tenant: str, name: str, created_by: str) -> tuple[Open311Client, str]:
        """A new client and its key; the key itself is never stored."""
        api_key = new_api_key()
        client = Open311Client(str(uuid.uuid4()), tenant, name, datetime.now(UTC))
        await self.collection.insert_one(
            {
                "_id": client.id,
                "tenant": tenant,
                "name": name,
                "key_hash": key_hash(api_key),
                "created_by": created_by,
                "created_at": client.created_at,
                "active": True,
            }
        )
        return client, api_key

    async def by_key(self, tenant: str, api_key: str) -> Open311Client | None:
        """The active client of this council holding the key; another council's key is None."""
        doc = await self.collection.find_one(
            self.scoped(tenant, {"key_hash": key_hash(api_key), "active": True})
        )
        return _to_client(doc) if doc else None

    async def list(self, tenant: str) -> list[Open311Client]:
        cursor = self.collection.find(self.scoped(tenant, {"active": True}), limit=500)
        return [_to_client(doc) async for doc in cursor]


def _to_client(doc: dict[str, Any]) -> Open311Client:
    return Open311Client(doc["_id"], doc["tenant"], doc["name"], doc["created_at"])
