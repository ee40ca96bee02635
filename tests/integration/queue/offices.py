"""A test's own ASC office, open round the clock every day with `windows` windows, so tests
neither collide with other people's bookings nor depend on the time they run at."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SERVICES = ["passport-id", "residence-registration", "fop-registration", "land-extract"]
ALL_DAY = {"opens": "00:00", "closes": "24:00"}


def office_body(office_id: str, windows: int = 1) -> dict[str, Any]:
    return {
        "id": office_id,
        "kind": "stationary",
        "name": {"uk": f"Тестовий ЦНАП {office_id}", "en": "Test ASC"},
        "windows": [{"number": n, "services": SERVICES} for n in range(1, windows + 1)],
        "address": "вул. Тестова, 1",
        "slot_minutes": 15,
        "hours": dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), ALL_DAY),
    }


def new_office_id() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def tomorrow_in_kyiv() -> date:
    return datetime.now(ZoneInfo("Europe/Kyiv")).date() + timedelta(days=1)


def visit_day() -> date:
    """The day after tomorrow in Kyiv: every slot is a day ahead or more, so a citizen may
    still cancel (2 hours before) whenever the test runs."""
    return tomorrow_in_kyiv() + timedelta(days=1)


def admin_claims(tenant: str) -> dict[str, Any]:
    return {
        "sub": f"admin-{uuid.uuid4().hex[:6]}",
        "name": "Адмін",
        "roles": ["tenant_admin"],
        "tenant": tenant,
    }


def citizen_claims(sub: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "sub": sub or f"cit-{uuid.uuid4().hex[:10]}",
        "name": "Олена Коваль",
        "roles": ["citizen"],
        "acr": "substantial",
        "email": "olena@example.ua",
        **extra,
    }


def as_utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
