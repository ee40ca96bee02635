"""The event plumbing on real Kafka and a real MongoDB-wire server: the outbox relay publishes
what one insert stored, the consumer handles each event once, and failures and poison
messages are parked on the DLQ without blocking the partition."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from chassis.consumer import IdempotentConsumer
from chassis.kafka import create_broker
from chassis.outbox import OutboxRelay, outbox_record
from chassis.settings import ServiceSettings
from contracts.envelope import EventEnvelope
from contracts.topics import dead_letter_topic

pytestmark = pytest.mark.integration

SETTINGS = ServiceSettings(service_name="chassis-test")


@pytest.fixture
async def db() -> AsyncIterator[Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(SETTINGS.mongo_url)
    name = f"test_chassis_{uuid.uuid4().hex[:8]}"
    yield client[name]
    await client.drop_database(name)
    await client.close()


@pytest.fixture
def topic() -> str:
    return f"test.chassis.{uuid.uuid4().hex[:8]}"


def envelope(tenant: str = "chernivtsi", **data: Any) -> EventEnvelope:
    return EventEnvelope(
        type="test.thing.happened.v1",
        source="/tests",
        subject=str(uuid.uuid4()),
        tenant=tenant,
        data=data or {"n": 1},
    )


async def read_topic(topic: str, count: int, timeout_s: float = 30.0) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=SETTINGS.kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"reader-{uuid.uuid4().hex[:6]}",
    )
    await consumer.start()
    records: list[Any] = []
    try:
        async with asyncio.timeout(timeout_s):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for partition_records in batch.values():
                    records.extend(partition_records)
    finally:
        await consumer.stop()
    return records


@pytest.fixture
async def broker() -> AsyncIterator[KafkaBroker]:
    kafka = create_broker(SETTINGS, None)
    yield kafka
    await kafka.stop()


async def test_relay_publishes_outbox_events_once_and_clears_them(
    db: Any, broker: KafkaBroker, topic: str
) -> None:
    await broker.start()
    things = db["things"]
    event = envelope()
    await things.insert_one(
        {
            "_id": event.subject,
            "tenant": event.tenant,
            "version": 1,
            "outbox": [outbox_record(event, topic)],
            "outbox_pending": True,
        }
    )
    relay = OutboxRelay(broker, [things])

    assert await relay.relay_once() == 1
    assert await relay.relay_once() == 0  # cleared: nothing left to publish

    records = await read_topic(topic, 1)
    assert len(records) == 1
    assert records[0].key == event.key.encode()
    assert json.loads(records[0].value)["id"] == event.id
    stored = await things.find_one({"_id": event.subject})
    assert stored["outbox"] == []


async def test_relay_keeps_an_event_appended_by_a_concurrent_change(
    db: Any, broker: KafkaBroker, topic: str
) -> None:
    """The relay clears only the version it read: a newer event is never lost."""
    await broker.start()
    things = db["things"]
    first, second = envelope(), envelope()
    await things.insert_one(
        {
            "_id": "t1",
            "tenant": "chernivtsi",
            "version": 1,
            "outbox": [outbox_record(first, topic)],
            "outbox_pending": True,
        }
    )
    relay = OutboxRelay(broker, [things])
    original_publish = relay._publish

    async def publish_then_change(record: dict[str, Any]) -> None:
        await original_publish(record)
        await things.update_one(
            {"_id": "t1"},
            {"$push": {"outbox": outbox_record(second, topic)}, "$inc": {"version": 1}},
        )

    relay._publish = publish_then_change  # type: ignore[method-assign]
    await relay.relay_once()
    relay._publish = original_publish  # type: ignore[method-assign]
    stored = await things.find_one({"_id": "t1"})
    assert [r["id"] for r in stored["outbox"]] == [second.id]  # removed only what it sent
    relay.notify("things", "t1")  # the concurrent writer reports its change
    assert await relay.relay_once() == 1
    ids = {json.loads(r.value)["id"] for r in await read_topic(topic, 2)}
    assert {first.id, second.id} <= ids


async def test_writer_notification_is_relayed_without_a_sweep(
    db: Any, broker: KafkaBroker, topic: str
) -> None:
    await broker.start()
    things = db["things"]
    relay = OutboxRelay(broker, [things])
    await relay.relay_once()  # the start-up sweep finds nothing
    event = envelope()
    await things.insert_one(
        {"_id": "t2", "tenant": "chernivtsi", "outbox": [outbox_record(event, topic)]}
    )
    relay.notify("things", "t2")
    assert await relay.relay_once() == 1
    assert (await things.find_one({"_id": "t2"}))["outbox"] == []
    assert json.loads((await read_topic(topic, 1))[0].value)["id"] == event.id


async def test_consumer_handles_a_redelivered_event_once(
    db: Any, broker: KafkaBroker, topic: str
) -> None:
    handled: list[str] = []

    async def on_thing(event: EventEnvelope) -> None:
        handled.append(event.id)

    consumer = IdempotentConsumer(
        "test-consumer", topic, db, broker, {"test.thing.happened.v1": on_thing}
    )
    consumer.register()
    await broker.start()
    event = envelope()
    for _ in range(3):  # at-least-once delivery may hand us the same event again
        await broker.publish(event.model_dump(mode="json"), topic=topic, key=event.key.encode())

    async with asyncio.timeout(30):
        while await db["processed_events"].count_documents({"event_id": event.id}) < 1:
            await asyncio.sleep(0.2)
    await asyncio.sleep(2)  # give the two duplicates their chance to be (wrongly) handled
    assert handled == [event.id]


async def test_failing_handler_and_poison_message_are_parked_without_blocking(
    db: Any, broker: KafkaBroker, topic: str
) -> None:
    handled: list[dict[str, Any]] = []

    async def on_thing(event: EventEnvelope) -> None:
        if event.data.get("explode"):
            raise RuntimeError("cannot handle this one")
        handled.append(event.data)

    consumer = IdempotentConsumer(
        "test-consumer",
        topic,
        db,
        broker,
        {"test.thing.happened.v1": on_thing},
        max_attempts=3,
        base_backoff_s=0.05,
    )
    consumer.register()
    await broker.start()
    bad, good = envelope(explode=True), envelope(n=2)
    key = b"chernivtsi:same-partition"
    await broker.publish(bad.model_dump(mode="json"), topic=topic, key=key)
    await broker.publish(b"\x00not json at all", topic=topic, key=key)
    await broker.publish(good.model_dump(mode="json"), topic=topic, key=key)

    parked = await read_topic(dead_letter_topic(topic), 2)
    errors = sorted(dict(r.headers)["x-error"].decode() for r in parked)
    assert errors[0].startswith("RuntimeError") and errors[1].startswith("unparseable")
    async with asyncio.timeout(30):
        while not handled:
            await asyncio.sleep(0.2)
    assert handled == [{"n": 2}]  # the message behind them was handled: nothing blocked
    marker = await db["processed_events"].find_one({"event_id": bad.id})
    assert marker["parked"] is True
