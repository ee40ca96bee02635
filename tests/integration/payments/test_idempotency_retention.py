"""Idempotency-Keys on a real MongoDB-wire server: kept through the retention period (a retry
a day later still replays), forgotten after it (FerretDB has no TTL index: the job deletes)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from chassis.idempotency import IdempotencyStore, StoredResponse
from chassis.settings import ServiceSettings
from services.payments.idempotent_create import WaitingIdempotency

pytestmark = pytest.mark.integration


@pytest.fixture
async def idempotency() -> AsyncIterator[WaitingIdempotency]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        ServiceSettings().mongo_url, tz_aware=True
    )
    name = f"test_payments_keys_{uuid.uuid4().hex[:8]}"
    yield WaitingIdempotency(IdempotencyStore(client[name]), wait_s=5.0)
    await client.drop_database(name)
    await client.close()


async def test_a_key_replays_for_a_day_and_is_forgotten_after_the_retention(
    idempotency: WaitingIdempotency,
) -> None:
    made: list[int] = []

    async def create() -> StoredResponse:
        made.append(1)
        return StoredResponse(201, {"id": f"p-{len(made)}"})

    await idempotency.run(tenant="t", caller="c", key="k-old", payload={}, create=create)
    await idempotency.run(tenant="t", caller="c", key="k-new", payload={}, create=create)
    keys = idempotency.store.keys
    day_ago = datetime.now(UTC) - timedelta(hours=25)
    await keys.update_one({"_id": "t:c:k-old"}, {"$set": {"created_at": day_ago}})

    assert await idempotency.forget_older_than(timedelta(hours=48)) == 0
    replay, replayed = await idempotency.run(
        tenant="t", caller="c", key="k-old", payload={}, create=create
    )
    assert (replay.body, replayed) == ({"id": "p-1"}, True)

    assert await idempotency.forget_older_than(timedelta(hours=24)) == 1
    assert await keys.find_one({"_id": "t:c:k-old"}) is None
    assert await keys.find_one({"_id": "t:c:k-new"}) is not None
