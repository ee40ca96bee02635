"""Retention on a real MongoDB-wire server: each council's own period, the default for the
rest, and nothing unfinished is deleted."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import AsyncMock

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.settings import ServiceSettings
from chassis.tenant_settings import TenantSettingsReader
from services.notify.repository import DeliveryRepository
from services.notify.retention import DeliveryRetention

pytestmark = pytest.mark.integration
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db() -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        ServiceSettings().mongo_url, tz_aware=True
    )
    name = f"test_notify_retention_{uuid.uuid4().hex[:8]}"
    yield client[name]
    await client.drop_database(name)
    await client.close()


async def test_each_council_keeps_its_own_period_and_unfinished_notices_stay(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    deliveries, councils = DeliveryRepository(db), TenantSettingsReader(db)
    await councils.put("short", {"notify_retention_days": 7})
    docs = [
        {"_id": "short-old-sent", "tenant": "short", "days": 10, "status": "sent"},
        {"_id": "short-new-sent", "tenant": "short", "days": 5, "status": "sent"},
        {"_id": "short-old-retrying", "tenant": "short", "days": 10, "status": "retrying"},
        {"_id": "plain-100-days", "tenant": "plain", "days": 100, "status": "suppressed"},
        {"_id": "plain-10-days", "tenant": "plain", "days": 10, "status": "sent"},
    ]
    await deliveries.collection.insert_many(
        [{**d, "created_at": NOW - timedelta(days=d.pop("days"))} for d in docs]
    )
    lease = AsyncMock()
    retention = DeliveryRetention(deliveries, councils, lease, 90, 3600, clock=lambda: NOW)

    assert await retention.sweep() == 2
    left = sorted([d["_id"] async for d in deliveries.collection.find({}, {"_id": 1})])
    assert left == ["plain-10-days", "short-new-sent", "short-old-retrying"]
