"""Councils (tenants) as the edge sees them: the `Tenant` value, the directory the proxy and
the platform routes look councils up in (`TenantRegistry` in `tenant_registry.py` is the
MongoDB one), the resolve rule (404 unknown, 423 changes to a read-only council), the event a
change emits, and the demo councils seeded at start-up."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from chassis.logging import get_logger
from chassis.problems import Problem
from contracts.envelope import EventEnvelope
from contracts.platform import CouncilName, TenantState
from gateway.tenant_settings import TenantSettings, stored_settings

log = get_logger("gateway.tenants")

EVENT_SOURCE = "/hromada/gateway"
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
# First path segments the platform keeps for itself; no council may be called like this.
RESERVED_SLUGS = frozenset({"platform", "auth", "dev", "docs", "health", "admin"})
# What a deactivated (read-only) council still answers.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
    settings: TenantSettings = field(default_factory=TenantSettings)

    def public_view(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": dict(self.name),
            "timezone": self.timezone,
            "locale": self.locale,
        }

    def admin_view(self) -> dict[str, Any]:
        """What a platform administrator sees: the public facts, state and settings."""
        return {**self.public_view(), "active": self.active, "settings": self.settings_document()}

    def settings_document(self) -> dict[str, Any]:
        return self.settings.as_document()

    def state_document(self) -> dict[str, Any]:
        """The fields a change may touch; `tenant` too, as on every stored document."""
        return {
            "tenant": self.slug,
            "slug": self.slug,
            "name": dict(self.name),
            "timezone": self.timezone,
            "locale": self.locale,
            "active": self.active,
            "settings": self.settings_document(),
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Tenant:
        return cls(
            slug=str(doc["_id"]),
            name=dict(doc.get("name") or {}),
            timezone=str(doc.get("timezone") or "Europe/Kyiv"),
            locale=str(doc.get("locale") or "uk"),
            active=bool(doc.get("active", False)),
            settings=stored_settings(doc.get("settings")),
        )


def tenant_event(tenant: Tenant, event: type[TenantState]) -> EventEnvelope:
    """The envelope of a tenant event carrying the tenant's whole new state."""
    payload = event(
        slug=tenant.slug,
        name=CouncilName.model_validate(dict(tenant.name)),
        timezone=tenant.timezone,
        locale=tenant.locale,
        active=tenant.active,
        settings=tenant.settings_document(),
    )
    return EventEnvelope.wrap(payload, source=EVENT_SOURCE, subject=tenant.slug, tenant=tenant.slug)


DEMO_TENANTS = (
    Tenant("chernivtsi", {"uk": "Чернівецька міська рада", "en": "Chernivtsi City Council"}),
    Tenant("uzhhorod", {"uk": "Ужгородська міська рада", "en": "Uzhhorod City Council"}),
    Tenant("kamianske", {"uk": "Кам'янська міська рада", "en": "Kamianske City Council"}),
)


@runtime_checkable  # Litestar checks a dependency's type when injecting it
class TenantDirectory(Protocol):
    """What the edge needs from the registry; unit tests pass an in-memory fake."""

    async def find(self, slug: str) -> Tenant | None:
        """The council, active or not."""
        ...

    async def find_active(self, slug: str) -> Tenant | None: ...

    async def list_active(self) -> list[Tenant]: ...

    async def list_all(self) -> list[Tenant]:
        """Every council, active or not, by slug."""
        ...

    async def seed(self, tenants: Iterable[Tenant]) -> None: ...


@runtime_checkable
class TenantStore(TenantDirectory, Protocol):
    """The platform administration's side: onboarding and changes."""

    async def register(self, tenant: Tenant) -> Tenant: ...

    async def update(self, slug: str, change: Callable[[Tenant], Tenant]) -> Tenant: ...


async def resolve_tenant(directory: TenantDirectory, slug: str, method: str = "GET") -> Tenant:
    """The tenant a request names, or a problem: 404 for an unknown, malformed or reserved
    slug; 423 for a change (not GET/HEAD/OPTIONS) to a deactivated, read-only council."""
    tenant = await directory.find(slug) if is_tenant_slug(slug) else None
    if tenant is None:
        raise Problem(404, f"There is no council '{slug[:40]}' on this platform.")
    if not tenant.active and method.upper() not in READ_METHODS:
        raise Problem(
            423,
            f"Громаду «{tenant.name.get('uk') or tenant.slug}» деактивовано: її дані доступні "
            "лише для читання. "
            f"The council '{tenant.slug}' is deactivated: its data is read-only.",
        )
    return tenant


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
