"""The Mongo-backed rate limiter on the real MongoDB-wire server (FerretDB locally): two
limiters (= two gateway replicas) firing at once share one budget exactly, a new window opens
it again, the sweep deletes past windows, and an unreachable database fails open."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from gateway.rate_limit_store import RATE_LIMIT_COLLECTION, MongoSlotStore, SlotSweeper
from gateway.rate_limits import WINDOW_S, Budget, RateLimiter

pytestmark = pytest.mark.integration

MONGO_URL = os.environ.get("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
MINUTE = 29_000_000  # a window index (minutes since the epoch), far from now


class FakeClock:
    def __init__(self) -> None:
        self.now = MINUTE * WINDOW_S + 5.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def slots() -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        MONGO_URL, serverSelectionTimeoutMS=3000, tz_aware=True
    )
    try:
        await client.admin.command("ping")
    except PyMongoError:
        await client.close()
        if os.environ.get("HROMADA_STACK_REQUIRED") == "1":
            raise
        pytest.skip(f"no MongoDB-wire server at {MONGO_URL}: start it with `make up`")
    name = f"test_rate_limits_{uuid.uuid4().hex[:8]}"
    yield client[name][RATE_LIMIT_COLLECTION]
    await client.drop_database(name)
    await client.close()


async def test_two_replicas_firing_at_once_pass_exactly_the_limit(
    slots: AsyncCollection[dict[str, Any]],
) -> None:
    clock = FakeClock()
    replicas = [RateLimiter(MongoSlotStore(slots, timeout_s=5), clock=clock) for _ in range(2)]
    budget = [Budget("write:olena", 20)]

    verdicts = await asyncio.gather(*(replicas[i % 2].check("uzhhorod", budget) for i in range(50)))

    assert sum(v.allowed for v in verdicts) == 20
    assert {v.retry_after_s for v in verdicts if not v.allowed} == {55}
    assert await slots.count_documents({}) == 20
    # Another user and another council have budgets of their own.
    assert (await replicas[0].check("uzhhorod", [Budget("write:petro", 20)])).allowed
    assert (await replicas[1].check("chernivtsi", budget)).allowed


async def test_a_replica_that_starts_late_still_sees_the_spent_budget(
    slots: AsyncCollection[dict[str, Any]],
) -> None:
    clock = FakeClock()
    first = RateLimiter(MongoSlotStore(slots), clock=clock)
    for _ in range(5):
        assert (await first.check("uzhhorod", [Budget("user:a", 5)])).allowed

    late = RateLimiter(MongoSlotStore(slots), clock=clock)

    assert not (await late.check("uzhhorod", [Budget("user:a", 5)])).allowed
    clock.now += WINDOW_S  # the next window opens the budget again
    assert (await late.check("uzhhorod", [Budget("user:a", 5)])).allowed


async def test_the_sweep_deletes_windows_before_the_previous_one(
    slots: AsyncCollection[dict[str, Any]],
) -> None:
    clock = FakeClock()
    store = MongoSlotStore(slots)
    limiter = RateLimiter(store, clock=clock)
    for minutes_ago in (3, 2, 1, 0):
        clock.now = (MINUTE - minutes_ago) * WINDOW_S + 1
        for _ in range(3):
            await limiter.check("uzhhorod", [Budget("user:a", 10)])

    deleted = await store.sweep(before_window=MINUTE - 1)

    assert deleted == 6
    remaining = sorted({d["window"] for d in await slots.find().to_list(None)})
    assert remaining == [MINUTE - 1, MINUTE]
    assert await SlotSweeper(store, clock=clock).sweep_once() == 0


async def test_an_unreachable_database_fails_open() -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        "mongodb://127.0.0.1:9/", serverSelectionTimeoutMS=200
    )
    limiter = RateLimiter(MongoSlotStore(client["x"]["y"], timeout_s=0.2), clock=FakeClock())

    verdicts = [await limiter.check("uzhhorod", [Budget("user:a", 1)]) for _ in range(3)]

    assert all(v.allowed for v in verdicts)
    await client.close()
