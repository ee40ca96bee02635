"""The leader lease on a real MongoDB-wire server: one holder at a time, taken over on expiry."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from chassis.lease import LeaderLease
from chassis.settings import ServiceSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def db() -> AsyncIterator[Any]:
    settings = ServiceSettings()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url)
    name = f"test_lease_{uuid.uuid4().hex[:8]}"
    yield client[name]
    await client.drop_database(name)
    await client.close()


async def test_one_holder_at_a_time_and_takeover_after_expiry(db: Any) -> None:
    first = LeaderLease(db, "daily-report", holder="replica-a", ttl_s=1.0)
    second = LeaderLease(db, "daily-report", holder="replica-b", ttl_s=1.0)

    assert await first.try_acquire() is True
    assert await second.try_acquire() is False
    assert await first.try_acquire() is True  # renewal by the holder

    await asyncio.sleep(1.2)  # the holder stopped renewing
    assert await second.try_acquire() is True
    assert await first.try_acquire() is False


async def test_release_lets_another_holder_in_at_once(db: Any) -> None:
    first = LeaderLease(db, "reminders", holder="replica-a", ttl_s=60)
    second = LeaderLease(db, "reminders", holder="replica-b", ttl_s=60)
    assert await first.try_acquire() is True
    await first.release()
    assert await second.try_acquire() is True
