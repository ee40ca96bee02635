"""Petition storage: one document per petition. A state change and the events it announces
are ONE single-document update guarded by the status it was decided on; the signature count
is written by the tally only, and only ever upwards (`$max`)."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import TenantRepository
from chassis.write_guard import DocumentLocks
from services.petitions.domain.model import COLLECTING, Petition
from services.petitions.read_cache import ReadCache

MAX_CACHED_VIEWS = 10_000
# Lists never need the text, the outbox or the staff's notes.
LIST_PROJECTION = {"text": 0, "outbox": 0, "response_text": 0}


class PetitionRepository(TenantRepository):
    collection_name = "petitions"

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        locks: DocumentLocks,
        view_ttl_s: float = 1.0,
        shown: ReadCache[Petition] | None = None,
    ) -> None:
        super().__init__(db)
        self.locks = locks
        # What GET shows (read_cache.py); every write below drops the petition from it, and
        # every list page, as any of them may show that petition.
        self.shown: ReadCache[Petition] = shown if shown is not None else ReadCache()
        self.pages: ReadCache[list[dict[str, Any]]] = ReadCache(
            self.shown.ttl_s, max(1, self.shown.max_entries // 10)
        )
        # A viral petition is checked on every signature: keep what signing needs for a
        # moment instead of reading the same document hundreds of times a second. This
        # process's own changes drop it at once; another replica's show within `view_ttl_s`.
        self.view_ttl_s = view_ttl_s
        self._views: dict[str, tuple[float, dict[str, Any]]] = {}

    async def ensure_indexes(self) -> None:
        tenant = ("tenant", ASCENDING)
        await self.collection.create_index([tenant, ("status", ASCENDING)])
        await self.collection.create_index([tenant, ("signature_count", DESCENDING)])
        await self.collection.create_index([tenant, ("created_at", DESCENDING)])
        await self.collection.create_index([tenant, ("deadline_at", ASCENDING)])
        # The leader's sweep looks across councils (a system job): no tenant prefix here.
        await self.collection.create_index([("status", ASCENDING), ("deadline_at", ASCENDING)])

    async def add(self, petition: Petition) -> None:
        doc = asdict(petition)
        doc["_id"] = doc.pop("id")
        doc["outbox"] = []
        try:
            await self.collection.insert_one(doc)
        finally:
            self.pages.clear()

    async def get(self, tenant: str, petition_id: str) -> Petition | None:
        doc = await self.find_owned(tenant, petition_id, {"outbox": 0})
        return Petition.from_doc(doc) if doc else None

    async def get_shown(self, tenant: str, petition_id: str) -> Petition | None:
        """`get` for the read API, answered from `shown` for up to its TTL. The Petition
        returned may be shared with other readers: do not change it."""
        cached = self.shown.get(tenant, petition_id)
        if cached is not None:
            return cached
        epoch = self.shown.epoch
        petition = await self.get(tenant, petition_id)
        if petition is not None:  # an unknown id is not remembered: it may be created next
            self.shown.store(tenant, petition_id, petition, epoch)
        return petition

    async def signing_view(self, tenant: str, petition_id: str) -> dict[str, Any] | None:
        """Just what a signature is checked against (cached for `view_ttl_s`)."""
        cached = self._views.get(petition_id)
        if cached is not None and time.monotonic() - cached[0] < self.view_ttl_s:
            view = cached[1]
        else:
            fields = {"status": 1, "deadline_at": 1, "signers": 1, "tenant": 1}
            found = await self.collection.find_one({"_id": petition_id}, fields)
            if found is None:
                return None
            view = found
            if len(self._views) > MAX_CACHED_VIEWS:
                self._views.clear()
            self._views[petition_id] = (time.monotonic(), view)
        return view if view.get("tenant") == tenant else None

    async def apply(
        self,
        petition_id: str,
        expected_status: str,
        changes: dict[str, Any],
        outbox: list[dict[str, Any]],
    ) -> bool:
        """Write a transition and its events at once, if the status is still the one decided
        on; False if another writer moved it first."""
        update: dict[str, Any] = {"$set": changes}
        if outbox:
            update["$push"] = {"outbox": {"$each": outbox}}
        async with self.locks.hold(petition_id):
            try:
                result = await self.collection.update_one(
                    {"_id": petition_id, "status": expected_status}, update
                )
            finally:  # even a failed write may have landed
                self._written(petition_id)
        self._views.pop(petition_id, None)
        return result.matched_count == 1

    async def raise_count(self, petition_id: str, count: int) -> None:
        """Counts never fall (no withdrawal): a slower writer's older count cannot win."""
        async with self.locks.hold(petition_id):
            try:
                await self.collection.update_one(
                    {"_id": petition_id, "signature_count": {"$lt": count}},
                    {"$set": {"signature_count": count}},
                )
            finally:
                self._written(petition_id)

    async def find_page(
        self, query: dict[str, Any], sort: list[tuple[str, int]], limit: int
    ) -> list[dict[str, Any]]:
        """One page of a list (cached like `get_shown`; the documents may be shared with
        other readers: do not change them). On FerretDB a list is a scan: worth keeping."""
        tenant, key = str(query["tenant"]), repr((query, sort, limit))
        cached = self.pages.get(tenant, key)
        if cached is not None:
            return cached
        epoch = self.pages.epoch
        cursor = self.collection.find(query, LIST_PROJECTION).sort(sort).limit(limit)
        docs = await cursor.to_list(limit)
        self.pages.store(tenant, key, docs, epoch)
        return docs

    def _written(self, petition_id: str) -> None:
        self.shown.drop(petition_id)
        self.pages.clear()

    async def collecting(self) -> list[Petition]:
        """Every council's collecting petitions (the leader's sweep)."""
        docs = await self.collection.find({"status": COLLECTING}, {"outbox": 0}).to_list(None)
        return [Petition.from_doc(d) for d in docs]

    async def closed_since(self, since: datetime) -> list[Petition]:
        """Petitions whose collection ended recently: signatures still in flight at that moment
        are counted too."""
        docs = await self.collection.find({"closed_at": {"$gte": since}}, {"outbox": 0}).to_list(
            None
        )
        return [Petition.from_doc(d) for d in docs]
