"""The tenant registry: which councils this installation serves, kept in MongoDB and cached
briefly in memory because every proxied request looks its tenant up.

Every write (onboarding, a change, a demo seed that actually inserts) stores the council and
its event in ONE document write (the chassis outbox); the gateway's `OutboxRelay` publishes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from chassis.logging import get_logger
from chassis.outbox import outbox_record
from chassis.problems import FieldError, Problem
from contracts.platform import TenantRegistered, TenantUpdated
from gateway.tenants import Tenant, tenant_event

log = get_logger("gateway.tenants")

TENANTS_COLLECTION = "tenants"


def _unavailable(exc: PyMongoError) -> Problem:
    log.warning("tenants.store_failed", error=type(exc).__name__)
    return Problem(503, "The tenant registry is not available.")


class TenantRegistry:
    """Tenants in the gateway's own database, read through a snapshot that lives a few seconds.

    The snapshot holds only what the database said, so an unknown slug is never served. This
    process's own writes drop it at once; other gateway replicas see them within
    ``cache_ttl_s``.
    """

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        cache_ttl_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        on_events_stored: Callable[[], None] = lambda: None,
    ) -> None:
        self.collection = collection
        self.cache_ttl_s = cache_ttl_s
        self._clock = clock
        self._on_events_stored = on_events_stored
        self._snapshot: dict[str, Tenant] = {}
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    async def seed(self, tenants: Iterable[Tenant]) -> None:
        """Create the given tenants if missing; existing ones (and their edits) stay untouched,
        and only a tenant actually inserted emits its registered event."""
        inserted = []
        for tenant in tenants:
            try:
                await self._insert(tenant)
            except DuplicateKeyError:
                continue
            inserted.append(tenant.slug)
        self.invalidate()
        log.info("tenants.seeded", inserted=inserted)

    async def register(self, tenant: Tenant) -> Tenant:
        """Onboard a new council; its slug must be free (409 otherwise)."""
        try:
            await self._insert(tenant)
        except DuplicateKeyError as exc:
            raise Problem(
                409,
                f"A council with the slug '{tenant.slug}' already exists.",
                errors=[FieldError("slug", "is already taken")],
            ) from exc
        except PyMongoError as exc:
            raise _unavailable(exc) from exc
        self.invalidate()
        log.info("tenants.registered", slug=tenant.slug)
        return tenant

    async def update(self, slug: str, change: Callable[[Tenant], Tenant]) -> Tenant:
        """Apply `change` to the stored council and store the result with its updated event.

        The write is conditional on the version read, so concurrent changes never overwrite
        each other: the loser re-reads and applies its change again."""
        for _ in range(5):
            try:
                doc = await self.collection.find_one({"_id": slug}, {"outbox": 0})
            except PyMongoError as exc:
                raise _unavailable(exc) from exc
            if doc is None:
                raise Problem(404, f"There is no council '{slug[:40]}' on this platform.")
            current = Tenant.from_document(doc)
            changed = change(current)
            if changed == current:
                return current  # nothing to store, nothing to announce
            if await self._store_change(changed, doc.get("version")):
                self.invalidate()
                log.info("tenants.updated", slug=slug, active=changed.active)
                return changed
        raise Problem(409, "The council was being changed at the same time; try again.")

    async def find(self, slug: str) -> Tenant | None:
        return (await self._tenants()).get(slug)

    async def find_active(self, slug: str) -> Tenant | None:
        tenant = await self.find(slug)
        return tenant if tenant is not None and tenant.active else None

    async def list_active(self) -> list[Tenant]:
        return [t for t in await self.list_all() if t.active]

    async def list_all(self) -> list[Tenant]:
        return sorted((await self._tenants()).values(), key=lambda t: t.slug)

    def invalidate(self) -> None:
        """The next lookup reloads from the database."""
        self._loaded_at = None

    async def _insert(self, tenant: Tenant) -> None:
        record = outbox_record(tenant_event(tenant, TenantRegistered), TenantRegistered.topic)
        now = datetime.now(UTC)
        await self.collection.insert_one(
            {
                "_id": tenant.slug,
                **tenant.state_document(),
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "outbox": [record],
                "outbox_pending": True,
            }
        )
        self._on_events_stored()

    async def _store_change(self, changed: Tenant, version: Any) -> bool:
        record = outbox_record(tenant_event(changed, TenantUpdated), TenantUpdated.topic)
        try:
            result = await self.collection.update_one(
                {"_id": changed.slug, "version": version},
                {
                    "$set": {
                        **changed.state_document(),
                        "updated_at": datetime.now(UTC),
                        "outbox_pending": True,
                    },
                    "$push": {"outbox": record},
                    "$inc": {"version": 1},
                },
            )
        except PyMongoError as exc:
            raise _unavailable(exc) from exc
        if result.matched_count:
            self._on_events_stored()
        return bool(result.matched_count)

    async def _tenants(self) -> dict[str, Tenant]:
        if self._is_fresh():
            return self._snapshot
        async with self._lock:  # one reload at a time; the others wait and reuse it
            if not self._is_fresh():
                self._snapshot = await self._load()
                self._loaded_at = self._clock()
        return self._snapshot

    def _is_fresh(self) -> bool:
        return self._loaded_at is not None and self._clock() - self._loaded_at < self.cache_ttl_s

    async def _load(self) -> dict[str, Tenant]:
        try:
            docs = await self.collection.find({}, {"outbox": 0}).to_list(None)
        except PyMongoError as exc:
            log.warning("tenants.load_failed", error=type(exc).__name__)
            raise Problem(503, "The tenant registry is not available.") from exc
        return {str(doc["_id"]): Tenant.from_document(doc) for doc in docs}
