"""An Idempotency-Key claim left in progress by a process that died: a retry takes it over once
it is stale, exactly one of several racing retries does the work, a fresh one still answers 409."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from chassis.idempotency import (
    STALE_CLAIM_AFTER,
    IdempotencyStore,
    StoredResponse,
    request_fingerprint,
)
from chassis.problems import Problem
from chassis.settings import ServiceSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def store() -> AsyncIterator[IdempotencyStore]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        ServiceSettings().mongo_url, tz_aware=True
    )
    name = f"test_idem_takeover_{uuid.uuid4().hex[:8]}"
    yield IdempotencyStore(client[name])
    await client.drop_database(name)
    await client.close()


async def abandoned_claim(store: IdempotencyStore, key: str, age: timedelta) -> None:
    """What a process that died mid-request leaves: its claim, never finished, for body `{}`."""
    await store.keys.insert_one(
        {
            "_id": f"t:c:{key}",
            "tenant": "t",
            "fingerprint": request_fingerprint({}),
            "state": "in_progress",
            "created_at": datetime.now(UTC) - age,
        }
    )


async def test_a_stale_claim_is_taken_over_by_exactly_one_retry(store: IdempotencyStore) -> None:
    await abandoned_claim(store, "k1", STALE_CLAIM_AFTER + timedelta(seconds=5))
    made: list[int] = []

    async def create() -> StoredResponse:
        made.append(1)
        await asyncio.sleep(0.2)
        return StoredResponse(201, {"id": "created"})

    async def retry() -> Any:
        try:
            return await store.run(tenant="t", caller="c", key="k1", payload={}, create=create)
        except Problem as problem:
            return problem.status

    outcomes = await asyncio.gather(*(retry() for _ in range(4)))

    assert made == [1]
    assert outcomes.count((StoredResponse(201, {"id": "created"}), False)) == 1
    assert all(o == 409 for o in outcomes if not isinstance(o, tuple))
    replay = await store.run(tenant="t", caller="c", key="k1", payload={}, create=create)
    assert replay == (StoredResponse(201, {"id": "created"}), True) and made == [1]


async def test_a_claim_still_in_flight_answers_409(store: IdempotencyStore) -> None:
    await abandoned_claim(store, "k2", timedelta(seconds=1))

    async def create() -> StoredResponse:
        raise AssertionError("must not run while the first request may still finish")

    with pytest.raises(Problem) as refused:
        await store.run(tenant="t", caller="c", key="k2", payload={}, create=create)
    assert refused.value.status == 409


async def test_a_stale_claim_with_another_body_is_still_refused(store: IdempotencyStore) -> None:
    await abandoned_claim(store, "k3", STALE_CLAIM_AFTER * 2)

    async def create() -> StoredResponse:
        raise AssertionError("another body never takes over")

    with pytest.raises(Problem) as refused:
        await store.run(tenant="t", caller="c", key="k3", payload={"x": 1}, create=create)
    assert refused.value.status == 422
