"""A council's appeal rules that vary by council: its zone, its holidays (the working-day
calendar of the statutory clock), and whether citizens see officials' names in the timeline.

They are part of the council's settings (the gateway's tenant registry owns them; the appeals
service reads its copy through `TenantSettingsReader`); a council without them gets defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog

from services.appeals.tenant_settings import TenantSettingsReader

log = structlog.get_logger("appeals")


@dataclass
class TenantPolicy:
    timezone: str = "Europe/Kyiv"
    holidays: list[date] = field(default_factory=list)
    show_official_names: bool = False


def policy_from_settings(settings: dict[str, Any], default_timezone: str) -> TenantPolicy:
    """Settings keys `timezone`, `holidays` (ISO dates), `show_official_names`; a malformed
    value falls back to the default rather than stopping the council's appeals."""
    timezone = settings.get("timezone") or default_timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        log.warning("tenant_settings.bad_timezone")
        timezone = default_timezone
    holidays = []
    for raw in settings.get("holidays") or []:
        try:
            holidays.append(date.fromisoformat(str(raw)))
        except ValueError:
            log.warning("tenant_settings.bad_holiday")
    return TenantPolicy(timezone, holidays, bool(settings.get("show_official_names")))


class PolicyRepository:
    def __init__(self, reader: TenantSettingsReader, default_timezone: str) -> None:
        self.reader = reader
        self.default_timezone = default_timezone

    async def get(self, tenant: str) -> TenantPolicy:
        return policy_from_settings(await self.reader.settings_of(tenant), self.default_timezone)
