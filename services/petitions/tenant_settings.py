"""A council's settings as the petitions service sees them: its copy of the platform settings
(petition_threshold, petition_collection_days, timezone, holidays, locale), fed by the tenant
registry's events, and its own overrides set with `PUT .../petitions/settings`.

Both are one document per council read by `_id`; a council without them uses the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chassis.mongo import TenantRepository
from chassis.tenant_settings import TenantSettingsReader
from services.petitions.domain.rules import PetitionRules, rules_of


class PetitionSettingsStore(TenantRepository):
    """The council admin's overrides (`threshold`, `collection_days`, `signers`)."""

    collection_name = "petition_settings"

    async def overrides_of(self, tenant: str) -> dict[str, Any]:
        doc = await self.find_owned(tenant, tenant)
        overrides = (doc or {}).get("overrides")
        return dict(overrides) if isinstance(overrides, dict) else {}

    async def put(self, tenant: str, overrides: dict[str, Any]) -> None:
        await self.collection.update_one(
            {"_id": tenant}, {"$set": {"tenant": tenant, "overrides": overrides}}, upsert=True
        )


@dataclass(frozen=True)
class CouncilPolicy:
    """Everything a petition's rules and terms depend on for one council."""

    rules: PetitionRules
    timezone: str = "Europe/Kyiv"
    holidays: list[date] = field(default_factory=list)
    locale: str = "uk"


class CouncilPolicies:
    def __init__(
        self, platform: TenantSettingsReader, overrides: PetitionSettingsStore, timezone: str
    ) -> None:
        self.platform = platform
        self.overrides = overrides
        self.default_timezone = timezone

    async def get(self, tenant: str) -> CouncilPolicy:
        platform = await self.platform.settings_of(tenant)
        rules = rules_of(platform, await self.overrides.overrides_of(tenant))
        timezone = platform.get("timezone") or self.default_timezone
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            timezone = self.default_timezone  # a bad stored zone must not stop petitions
        holidays = []
        for raw in platform.get("holidays") or []:
            try:
                holidays.append(date.fromisoformat(str(raw)))
            except ValueError:
                continue
        locale = platform.get("locale") if platform.get("locale") in ("uk", "en") else "uk"
        return CouncilPolicy(rules, timezone, holidays, str(locale))
