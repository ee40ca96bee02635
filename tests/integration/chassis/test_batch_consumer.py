"""IdempotentConsumer's batches on real Kafka (3 partitions) and the real MongoDB-wire server:
every event handled once and each aggregate's events in order, redeliveries skipped through
FerretDB's per-document duplicate-key errors, and an unfinished batch's events handled again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from chassis.consumer import IdempotentConsumer
from chassis.kafka import create_broker
from chassis.settings import ServiceSettings
from contracts.envelope import EventEnvelope

pytestmark = pytest.mark.integration

SETTINGS = ServiceSettings(service_name="chassis-test")
TYPE = "test.batch.happened.v1"


@pytest.fixture
async def db() -> AsyncIterator[Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(SETTINGS.mongo_url)
    name = f"test_batch_{uuid.uuid4().hex[:8]}"
    yield client[name]
    await client.drop_database(name)
    await client.close()


@pytest.fixture
async def topic() -> AsyncIterator[str]:
    name = f"test.chassis.batch.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=SETTINGS.kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])
        yield name
        await admin.delete_topics([name])
    finally:
        await admin.close()


@pytest.fixture
async def broker() -> AsyncIterator[KafkaBroker]:
    kafka = create_broker(SETTINGS, None)
    yield kafka
    await kafka.stop()


def event(subject: str, n: int) -> EventEnvelope:
    return EventEnvelope(
        type=TYPE, source="/tests", subject=subject, tenant="chernivtsi", data={"n": n}
    )


async def publish(broker: KafkaBroker, topic: str, events: list[EventEnvelope]) -> None:
    # Concurrently, as the outbox relay does; the producer keeps one key's order.
    await asyncio.gather(
        *(
            broker.publish(e.model_dump(mode="json"), topic=topic, key=e.key.encode())
            for e in events
        )
    )


async def until(condition: Any, timeout_s: float = 60.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.2)


async def test_each_event_once_in_key_order_and_redeliveries_skipped(
    db: Any, broker: KafkaBroker, topic: str
) -> None:
    handled: list[tuple[str, int]] = []

    async def on_event(e: EventEnvelope) -> None:
        await asyncio.sleep(0)  # let other keys interleave
        handled.append((e.subject, e.data["n"]))

    IdempotentConsumer("batch-test", topic, db, broker, {TYPE: on_event}).register()
    await broker.start()
    keys = [f"agg-{uuid.uuid4().hex[:6]}" for _ in range(30)]
    first = [event(k, n) for n in range(10) for k in keys]
    await publish(broker, topic, first)
    await until(lambda: len(handled) >= len(first))

    # The same 300 events again (a relay re-publish) plus 10 new ones: only the new are handled.
    fresh = [event(k, 10) for k in keys[:10]]
    await publish(broker, topic, first + fresh)
    await until(lambda: len(handled) >= len(first) + len(fresh))
    await asyncio.sleep(2)  # give the duplicates their chance to be (wrongly) handled

    assert len(handled) == len(set(handled)) == len(first) + len(fresh)
    for key in keys:
        assert [n for k, n in handled if k == key][:10] == list(range(10))
    claims = await db["processed_events"].count_documents({"consumer": "batch-test"})
    assert claims > len(first) + len(fresh)  # the claims plus the batches' done records


async def test_an_unfinished_batchs_event_is_handled_again(
    db: Any, broker: KafkaBroker, topic: str
) -> None:
    handled: list[str] = []

    async def on_event(e: EventEnvelope) -> None:
        handled.append(e.id)

    lost, done = event("a", 1), event("b", 1)
    # A process claimed `lost` and died before its batch was done; `done` finished earlier.
    processed = db["processed_events"]
    await processed.insert_one(
        {"_id": f"batch-test:{lost.id}", "tenant": "chernivtsi", "batch": "crashed"}
    )
    await processed.insert_one({"_id": f"batch-test:{done.id}", "tenant": "chernivtsi"})

    IdempotentConsumer("batch-test", topic, db, broker, {TYPE: on_event}).register()
    await broker.start()
    await publish(broker, topic, [lost, done])
    await until(lambda: bool(handled))
    await asyncio.sleep(2)
    assert handled == [lost.id]
    claim = await processed.find_one({"_id": f"batch-test:{lost.id}"})
    assert claim["batch"] != "crashed" and claim["event_id"] == lost.id
