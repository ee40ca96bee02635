"""MongoDB access with PyMongo's async API: client factory, tenant-scoped repository base,
gap-free per-tenant sequences. Keeps to single-document atomic writes so the same code runs
on MongoDB and on FerretDB (no transactions, no change streams)."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.settings import ServiceSettings


def create_mongo_client(settings: ServiceSettings) -> AsyncMongoClient[dict[str, Any]]:
    """Connect lazily: nothing touches the network until the first operation."""
    return AsyncMongoClient(
        settings.mongo_url,
        tz_aware=True,
        serverSelectionTimeoutMS=settings.mongo_timeout_ms,
        connectTimeoutMS=settings.mongo_timeout_ms,
        appname=settings.service_name,
        maxPoolSize=settings.mongo_max_pool_size,
    )


class TenantRepository:
    """Base of every repository: each query is scoped to one tenant, so no call can cross."""

    collection_name: str

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.db = db
        self.collection: AsyncCollection[dict[str, Any]] = db[self.collection_name]

    @staticmethod
    def scoped(tenant: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return {**(query or {}), "tenant": tenant}

    async def find_owned(
        self, tenant: str, doc_id: Any, projection: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """One document by `_id`, if it belongs to `tenant`.

        The filter is `_id` alone because that is the lookup every MongoDB-wire server answers
        from an index (FerretDB's SQLite backend scans the collection for any other filter,
        even `_id` plus `tenant`); the tenant is then checked here, so no call can cross.
        """
        if projection is not None and 0 not in projection.values():
            projection = {**projection, "tenant": 1}
        doc = await self.collection.find_one({"_id": doc_id}, projection)
        return doc if doc is not None and doc.get("tenant") == tenant else None


async def next_sequence(db: AsyncDatabase[dict[str, Any]], tenant: str, name: str) -> int:
    """The next number of a per-tenant counter: one `$inc` on one document.

    On MongoDB this is atomic. FerretDB's SQLite backend can hand two concurrent callers the
    same value, so a caller must treat the number as a candidate and let a unique index on
    what it numbers decide (see `services.appeals.use_cases`): a duplicate retries with the
    next value, and because every value handed out is either used or found taken, the
    numbers stay gap-free.
    """
    counters = db["counters"]
    for _ in range(5):
        try:
            doc = await counters.find_one_and_update(
                {"_id": f"{tenant}:{name}"},
                {"$inc": {"value": 1}, "$set": {"tenant": tenant, "name": name}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            assert doc is not None  # upsert with AFTER always returns the document
            return int(doc["value"])
        except DuplicateKeyError:
            continue  # two first callers raced on the upsert
    raise RuntimeError(f"sequence {tenant}:{name} kept colliding")
