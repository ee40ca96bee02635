"""The tenant registry: which councils this installation serves, kept in MongoDB and cached
briefly in memory because every proxied request looks its tenant up."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from chassis.logging import get_logger
from chassis.problems import Problem

log = get_logger("gateway.tenants")

TENANTS_COLLECTION = "tenants"
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
# First path segments the platform keeps for itself; no council may be called like this.
RESERVED_SLUGS = frozenset({"platform", "auth", "dev", "docs", "health", "admin"})


def is_tenant_slug(slug: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(slug)) and slug not in RESERVED_SLUGS


@dataclass(frozen=True)
class Tenant:
    """One council (hromada) served by this installation."""

    slug: str
    name: Mapping[str, str]
    timezone: str = "Europe/Kyiv"
    locale: str = "uk"
    active: bool = True
    settings: Mapping[str, Any] = field(default_factory=dict)

    def public_view(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": dict(self.name),
            "timezone": self.timezone,
            "locale": self.locale,
        }

    def to_document(self, created_at: datetime) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": dict(self.name),
            "timezone": self.timezone,
            "locale": self.locale,
            "active": self.active,
            "settings": dict(self.settings),
            "created_at": created_at,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Tenant:
        return cls(
            slug=str(doc["_id"]),
            name=dict(doc.get("name") or {}),
            timezone=str(doc.get("timezone") or "Europe/Kyiv"),
            locale=str(doc.get("locale") or "uk"),
            active=bool(doc.get("active", False)),
            settings=dict(doc.get("settings") or {}),
        )


DEMO_TENANTS = (
    Tenant("chernivtsi", {"uk": "Чернівецька міська рада", "en": "Chernivtsi City Council"}),
    Tenant("uzhhorod", {"uk": "Ужгородська міська рада", "en": "Uzhhorod City Council"}),
    Tenant("kamianske", {"uk": "Кам'янська міська рада", "en": "Kamianske City Council"}),
)


@runtime_checkable  # Litestar checks a dependency's type when injecting it
class TenantDirectory(Protocol):
    """What the edge needs from the registry; unit tests pass an in-memory fake."""

    async def find_active(self, slug: str) -> Tenant | None: ...

    async def list_active(self) -> list[Tenant]: ...

    async def seed(self, tenants: Iterable[Tenant]) -> None: ...


async def resolve_tenant(directory: TenantDirectory, slug: str) -> Tenant:
    """The active tenant a request names, or a 404 problem (malformed and reserved slugs too)."""
    tenant = await directory.find_active(slug) if is_tenant_slug(slug) else None
    if tenant is None:
        raise Problem(404, f"There is no council '{slug[:40]}' on this platform.")
    return tenant


class TenantRegistry:
    """Tenants in the gateway's own database, read through a snapshot that lives a few seconds.

    The snapshot holds only what the database said, so an unknown slug is never served; a new
    or deactivated council takes effect within ``cache_ttl_s``.
    """

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        cache_ttl_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.collection = collection
        self.cache_ttl_s = cache_ttl_s
        self._clock = clock
        self._snapshot: dict[str, Tenant] = {}
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    async def seed(self, tenants: Iterable[Tenant]) -> None:
        """Create the given tenants if missing; existing ones (and their edits) stay untouched."""
        now = datetime.now(UTC)
        slugs = []
        for tenant in tenants:
            await self.collection.update_one(
                {"_id": tenant.slug},
                {"$setOnInsert": tenant.to_document(now)},
                upsert=True,
            )
            slugs.append(tenant.slug)
        self._loaded_at = None  # show the seeded tenants on the next lookup
        log.info("tenants.seeded", tenants=slugs)

    async def find_active(self, slug: str) -> Tenant | None:
        return (await self._active_tenants()).get(slug)

    async def list_active(self) -> list[Tenant]:
        return sorted((await self._active_tenants()).values(), key=lambda t: t.slug)

    async def _active_tenants(self) -> dict[str, Tenant]:
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
            docs = await self.collection.find({"active": True}).to_list(None)
        except PyMongoError as exc:
            log.warning("tenants.load_failed", error=type(exc).__name__)
            raise Problem(503, "The tenant registry is not available.") from exc
        return {str(doc["_id"]): Tenant.from_document(doc) for doc in docs}


class TenantSeeding:
    """Seeds tenants in the background, retrying until MongoDB answers, so the gateway starts
    (and stays live) while the database is still coming up; readiness waits for it."""

    def __init__(self, directory: TenantDirectory, tenants: Iterable[Tenant]) -> None:
        self.directory = directory
        self.tenants = tuple(tenants)
        self._done = False

    async def run(self) -> None:
        delay_s = 0.5
        while True:
            try:
                await self.directory.seed(self.tenants)
            except Exception as exc:  # any failure: the database is not there yet
                log.warning("tenants.seed_failed", error=type(exc).__name__, retry_in_s=delay_s)
                await asyncio.sleep(delay_s)
                delay_s = min(delay_s * 2, 10.0)
            else:
                self._done = True
                return

    async def is_done(self) -> bool:
        return self._done
