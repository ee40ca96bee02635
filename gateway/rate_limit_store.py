"""The rate limiter's shared state: one small document per claimed slot in the gateway's
database, arbitrated by the unique `_id` (the one write FerretDB makes atomic), and a
background sweep that deletes past windows in bounded batches (FerretDB has no TTL indexes).

Lookups by any other field are full scans on FerretDB's SQLite backend, so the request path
only ever inserts; the sweep keeps the collection at about two windows of traffic.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pymongo
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, PyMongoError

from chassis.logging import get_logger
from gateway.rate_limits import (
    WINDOW_S,
    DefaultLimits,
    EdgeRateLimits,
    RateLimiter,
    Slot,
    SlotStore,
)
from gateway.settings import GatewaySettings

log = get_logger("gateway.rate_limit_store")

RATE_LIMIT_COLLECTION = "rate_limit_slots"
_DUPLICATE_KEY = 11000


def slot_id(slot: Slot) -> str:
    return f"{slot.tenant}|{slot.key}|{slot.window}|{slot.slot}"


class MongoSlotStore:
    """Claims slots with one `insert_many` (unordered) per attempt."""

    def __init__(
        self, collection: AsyncCollection[dict[str, Any]], *, timeout_s: float = 2.0
    ) -> None:
        self.collection = collection
        self.timeout_s = timeout_s

    async def claim(self, slots: list[Slot], at: float) -> set[Slot]:
        docs = [
            {"_id": slot_id(s), "tenant": s.tenant, "window": s.window, "at": at} for s in slots
        ]
        try:
            # A short bound of its own: a slow database must not hold every request for the
            # client's server-selection timeout (the limiter then fails open).
            with pymongo.timeout(self.timeout_s):
                await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != _DUPLICATE_KEY for e in errors):
                raise
            return {slots[e["index"]] for e in errors}
        return set()

    async def sweep(self, before_window: int) -> int:
        """Delete the slots of windows before `before_window`; how many.

        One statement: FerretDB answers any filter but `_id` by reading the whole collection,
        so deleting in batches (find, then delete by `$in`) read it once per batch.
        """
        result = await self.collection.delete_many({"window": {"$lt": before_window}})
        return int(result.deleted_count)


class LocalSlotStore:
    """The one gateway replica's store: nothing to claim elsewhere.

    The limiter already reserves each slot number in memory before it claims it, so with no
    other replica no slot can be held by anyone else; every claim succeeds, exactly within the
    limit, without a round trip."""

    async def claim(self, slots: list[Slot], at: float) -> set[Slot]:
        return set()


class SlotSweeper:
    """Background task: every half window, drop what is older than the previous window."""

    def __init__(
        self,
        store: MongoSlotStore,
        *,
        interval_s: float = WINDOW_S / 2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.interval_s = interval_s
        self._clock = clock

    async def run(self) -> None:
        while True:
            await self.sweep_once()
            await asyncio.sleep(self.interval_s)

    async def sweep_once(self) -> int:
        current = int(self._clock() // WINDOW_S)
        try:
            deleted = await self.store.sweep(before_window=current - 1)
        except PyMongoError as exc:
            log.warning("rate_limit.sweep_failed", error=type(exc).__name__)
            return 0
        if deleted:
            log.info("rate_limit.swept", deleted=deleted)
        return deleted


def wire_rate_limits(
    settings: GatewaySettings,
    collection: AsyncCollection[dict[str, Any]],
    store: SlotStore | None = None,
) -> tuple[EdgeRateLimits | None, list[Callable[[], Coroutine[Any, Any, None]]]]:
    """The proxy's rate limits and their background sweep, as the settings ask (app.py).
    A given `store` (unit tests) or the local store replaces MongoDB and needs no sweep."""
    if not settings.rate_limits_enabled:
        return None, []
    background: list[Callable[[], Coroutine[Any, Any, None]]] = []
    if store is None and settings.rate_limit_store == "local":
        store = LocalSlotStore()
    if store is None:
        mongo_store = MongoSlotStore(collection, timeout_s=settings.rate_limit_store_timeout_s)
        background.append(SlotSweeper(mongo_store).run)
        store = mongo_store
    defaults = DefaultLimits(
        sensitive_writes_per_minute=settings.sensitive_writes_per_minute,
        requests_per_minute=settings.requests_per_minute,
        anonymous_per_ip_per_minute=settings.anonymous_requests_per_minute_per_ip,
    )
    limiter = RateLimiter(store, fail_open_s=settings.rate_limit_fail_open_s)
    return EdgeRateLimits(limiter, defaults), background


__all__ = [
    "RATE_LIMIT_COLLECTION",
    "LocalSlotStore",
    "MongoSlotStore",
    "SlotSweeper",
    "slot_id",
    "wire_rate_limits",
]
