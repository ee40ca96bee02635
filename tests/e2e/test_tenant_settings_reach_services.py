"""A council's settings, changed at the registry, reach the appeals service through the
platform's tenant events (its own copy: zone, holidays, attachment limits, Open311 options)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.test_platform_tenants import PLATFORM, council, send
from tests.stack import Gateway, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def slug() -> str:
    return f"ts-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def admin(gateway: Gateway, slug: str) -> dict[str, str]:
    token = gateway.token(sub=f"cdto-{slug}", name="CDTO", roles=["platform_admin"])
    return {"Authorization": f"Bearer {token}"}


def test_onboarded_and_changed_settings_reach_the_appeals_copy(
    gateway: Gateway, appeals_db: Any, slug: str, admin: dict[str, str]
) -> None:
    created = send(
        gateway, "POST", PLATFORM, json=council(slug, timezone="Europe/Uzhgorod"), headers=admin
    )
    assert created.status_code == 201, created.text

    def copy() -> dict[str, Any] | None:
        doc = appeals_db["tenant_settings"].find_one({"_id": slug})
        return doc["settings"] if doc else None

    first = wait_for(copy, 60, what="the registered council in appeals")
    assert first["timezone"] == "Europe/Uzhgorod" and first["appeal_attachment_max_count"] == 5

    changed = send(
        gateway,
        "PATCH",
        f"{PLATFORM}/{slug}",
        json={"settings": {"appeal_attachment_max_count": 2, "holidays": ["2026-12-25"]}},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    updated = wait_for(
        lambda: (c := copy()) and c["appeal_attachment_max_count"] == 2 and c,
        60,
        what="the changed settings in appeals",
    )
    assert updated["holidays"] == ["2026-12-25"]
