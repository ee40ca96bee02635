"""A council's queue rules: its zone and holidays (tenant settings) and the queue limits, which
a council's settings may override (`queue_booking_horizon_days`, `queue_bookings_per_month`,
`queue_payment_hold_minutes`, `queue_cancel_hours_before`); otherwise the service defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chassis.logging import get_logger
from services.queue.cache import TtlCache
from services.queue.settings import QueueSettings
from services.queue.tenant_settings import TenantSettingsReader

log = get_logger("queue.policy")


@dataclass(frozen=True)
class QueuePolicy:
    timezone: str = "Europe/Kyiv"
    holidays: list[date] = field(default_factory=list)
    horizon_days: int = 21
    bookings_per_month: int = 4
    hold_minutes: int = 15
    cancel_hours_before: float = 2.0


def _number(settings: dict[str, Any], key: str, default: float) -> float:
    value = settings.get(f"queue_{key}")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return value
    return default


def policy_from_settings(settings: dict[str, Any], defaults: QueueSettings) -> QueuePolicy:
    """A malformed value falls back to the default rather than stopping the council's queue."""
    timezone = settings.get("timezone") or defaults.default_timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        log.warning("tenant_settings.bad_timezone")
        timezone = defaults.default_timezone
    holidays = []
    for raw in settings.get("holidays") or []:
        try:
            holidays.append(date.fromisoformat(str(raw)))
        except ValueError:
            log.warning("tenant_settings.bad_holiday")
    return QueuePolicy(
        timezone=timezone,
        holidays=holidays,
        horizon_days=int(_number(settings, "booking_horizon_days", defaults.booking_horizon_days)),
        bookings_per_month=int(
            _number(settings, "bookings_per_month", defaults.bookings_per_month)
        ),
        hold_minutes=int(_number(settings, "payment_hold_minutes", defaults.payment_hold_minutes)),
        cancel_hours_before=_number(settings, "cancel_hours_before", defaults.cancel_hours_before),
    )


class PolicyRepository:
    """Reads a council's policy, kept for a few seconds: every booking needs it, and a
    settings change may take that long to apply."""

    def __init__(
        self, reader: TenantSettingsReader, defaults: QueueSettings, ttl_s: float = 5.0
    ) -> None:
        self.reader = reader
        self.defaults = defaults
        self.cache = TtlCache[QueuePolicy](ttl_s)

    async def get(self, tenant: str) -> QueuePolicy:
        cached = self.cache.get(tenant)
        if cached is None:
            cached = policy_from_settings(await self.reader.settings_of(tenant), self.defaults)
            self.cache.put(tenant, cached)
        return cached
