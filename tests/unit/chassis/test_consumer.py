"""IdempotentConsumer's batch rules with an in-memory processed-events collection and broker:
two database commands per batch, each event handled once, a crashed batch's events handled
again, per-key order with concurrency across keys, failures and poison parked."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from pymongo.errors import BulkWriteError, DuplicateKeyError

import chassis.consumer
from chassis.consumer import IdempotentConsumer, PermanentError
from contracts.envelope import EventEnvelope

TYPE = "test.thing.happened.v1"


class FakeCollection:
    """The processed_events collection: a unique `_id`, and a log of the commands issued."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.commands: list[str] = []
        self.fail_inserts = False

    async def insert_many(self, docs: list[dict[str, Any]], ordered: bool = True) -> None:
        self.commands.append("insert_many")
        if self.fail_inserts:
            raise BulkWriteError({"writeErrors": [{"index": 0, "code": 91}], "nInserted": 0})
        errors = []
        for index, doc in enumerate(docs):
            if doc["_id"] in self.docs:
                errors.append({"index": index, "code": 11000, "errmsg": "duplicate key"})
            else:
                self.docs[doc["_id"]] = dict(doc)
        if errors:
            raise BulkWriteError({"writeErrors": errors, "nInserted": len(docs) - len(errors)})

    async def insert_one(self, doc: dict[str, Any]) -> None:
        self.commands.append("insert_one")
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("duplicate key")
        self.docs[doc["_id"]] = dict(doc)

    async def find_one(self, query: dict[str, Any], *_: Any) -> dict[str, Any] | None:
        self.commands.append("find_one")
        return self.docs.get(query["_id"])

    async def update_one(self, query: dict[str, Any], update: dict[str, Any], **_: Any) -> None:
        self.commands.append("update_one")
        self.docs.setdefault(query["_id"], {"_id": query["_id"]}).update(update["$set"])

    def claims(self) -> list[dict[str, Any]]:
        return [d for d in self.docs.values() if "event_id" in d]

    def batches_done(self) -> int:
        return sum(1 for d in self.docs.values() if ":batch:" in d["_id"])


class FakeBroker:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []
        self.refuse = False

    async def publish(self, body: bytes, **kwargs: Any) -> None:
        if self.refuse:
            raise ConnectionError("kafka refused")
        self.published.append({"body": body, **kwargs})


class FakeDb:
    def __init__(self) -> None:
        self.processed = FakeCollection()

    def __getitem__(self, name: str) -> FakeCollection:
        assert name == "processed_events"
        return self.processed


def event(subject: str = "a", **data: Any) -> EventEnvelope:
    return EventEnvelope(
        type=TYPE, source="/hromada/test", subject=subject, tenant="chernivtsi", data=data
    )


def record(
    item: EventEnvelope | bytes, offset: int = 0, headers: tuple[tuple[str, bytes], ...] = ()
) -> ConsumerRecord[bytes, bytes]:
    if isinstance(item, EventEnvelope):
        value, key = item.model_dump_json().encode(), item.key.encode()
    else:
        value, key = item, b"poison"
    return ConsumerRecord("topic", 0, offset, 0, 0, key, value, None, len(key), len(value), headers)


def consumer(
    db: FakeDb,
    broker: FakeBroker,
    handler: Callable[[EventEnvelope], Awaitable[None]],
    **options: Any,
) -> IdempotentConsumer:
    return IdempotentConsumer(
        "test-consumer",
        "topic",
        db,  # type: ignore[arg-type]
        broker,  # type: ignore[arg-type]
        {TYPE: handler},
        base_backoff_s=0.001,
        **options,
    )


@pytest.fixture
def db() -> FakeDb:
    return FakeDb()


@pytest.fixture
def broker() -> FakeBroker:
    return FakeBroker()


async def test_a_batch_costs_two_commands_and_each_event_is_handled_once(
    db: FakeDb, broker: FakeBroker
) -> None:
    handled: list[str] = []

    async def on_thing(e: EventEnvelope) -> None:
        handled.append(e.id)

    events = [event(subject=f"s{n % 7}", n=n) for n in range(100)]
    c = consumer(db, broker, on_thing)
    await c.handle_records([record(e, i) for i, e in enumerate(events)])
    assert sorted(handled) == sorted(e.id for e in events)
    assert db.processed.commands == ["insert_many", "insert_one"]
    assert db.processed.batches_done() == 1

    db.processed.commands.clear()
    await c.handle_records([record(e, i) for i, e in enumerate(events)])  # redelivered
    assert len(handled) == 100  # nothing handled twice
    assert db.processed.batches_done() == 1


async def test_the_same_event_twice_in_one_batch_is_handled_once(
    db: FakeDb, broker: FakeBroker
) -> None:
    handled: list[str] = []

    async def on_thing(e: EventEnvelope) -> None:
        handled.append(e.id)

    e = event()
    await consumer(db, broker, on_thing).handle_records([record(e, 0), record(e, 1)])
    assert handled == [e.id]


async def test_events_of_a_batch_that_never_finished_are_handled_again(
    db: FakeDb, broker: FakeBroker
) -> None:
    handled: list[str] = []

    async def on_thing(e: EventEnvelope) -> None:
        handled.append(e.id)

    done, unfinished = event(n=1), event(n=2)
    c = consumer(db, broker, on_thing)
    await c.handle_records([record(done)])
    # A crash after claiming, before the batch was recorded as done:
    db.processed.docs[f"test-consumer:{unfinished.id}"] = {
        "_id": f"test-consumer:{unfinished.id}",
        "event_id": unfinished.id,
        "batch": uuid.uuid4().hex,
    }
    handled.clear()
    await c.handle_records([record(done), record(unfinished)])
    assert handled == [unfinished.id]

    handled.clear()  # now it is done: a further redelivery is skipped
    await c.handle_records([record(unfinished)])
    assert handled == []


async def test_a_marker_written_before_batches_counts_as_processed(
    db: FakeDb, broker: FakeBroker
) -> None:
    handled: list[str] = []

    async def on_thing(e: EventEnvelope) -> None:
        handled.append(e.id)

    e = event()
    db.processed.docs[f"test-consumer:{e.id}"] = {"_id": f"test-consumer:{e.id}", "event_id": e.id}
    await consumer(db, broker, on_thing).handle_records([record(e)])
    assert handled == []


async def test_one_keys_events_in_order_while_other_keys_run_concurrently(
    db: FakeDb, broker: FakeBroker
) -> None:
    order: list[tuple[str, int]] = []
    b_started = asyncio.Event()

    async def on_thing(e: EventEnvelope) -> None:
        if e.subject == "b":
            b_started.set()
        elif e.data["n"] == 0:  # key a's first event waits until key b is running
            await asyncio.wait_for(b_started.wait(), 5)
        await asyncio.sleep(0.001 * (5 - e.data["n"]))  # later events finish faster
        order.append((e.subject, e.data["n"]))

    events = [event("a", n=n) for n in range(5)] + [event("b", n=0)]
    await consumer(db, broker, on_thing).handle_records([record(e) for e in events])
    assert [n for subject, n in order if subject == "a"] == [0, 1, 2, 3, 4]
    assert ("b", 0) in order


async def test_concurrency_across_keys_is_bounded(db: FakeDb, broker: FakeBroker) -> None:
    running = peak = 0

    async def on_thing(e: EventEnvelope) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001)
        running -= 1

    events = [event(f"key-{n}") for n in range(20)]
    await consumer(db, broker, on_thing, max_concurrency=3).handle_records(
        [record(e) for e in events]
    )
    assert peak == 3


async def test_a_failing_event_is_retried_then_parked_without_blocking_the_batch(
    db: FakeDb, broker: FakeBroker
) -> None:
    attempts: list[int] = []
    handled: list[int] = []

    async def on_thing(e: EventEnvelope) -> None:
        if e.data["n"] == 1:
            attempts.append(1)
            raise RuntimeError("cannot handle this one")
        handled.append(e.data["n"])

    bad = event("same", n=1)
    events = [event("same", n=0), bad, event("same", n=2), event("other", n=3)]
    c = consumer(db, broker, on_thing, max_attempts=3)
    await c.handle_records([record(e) for e in events])
    assert len(attempts) == 3
    assert sorted(handled) == [0, 2, 3]
    assert [p["headers"]["x-error"][:12] for p in broker.published] == ["RuntimeError"]
    assert broker.published[0]["topic"] == "topic.dlq"
    assert db.processed.docs[f"test-consumer:{bad.id}"]["parked"] is True
    assert db.processed.batches_done() == 1


async def test_a_permanent_error_is_parked_at_once(db: FakeDb, broker: FakeBroker) -> None:
    calls = 0

    async def on_thing(e: EventEnvelope) -> None:
        nonlocal calls
        calls += 1
        raise PermanentError("no such council")

    await consumer(db, broker, on_thing).handle_records([record(event())])
    assert calls == 1
    assert broker.published[0]["headers"]["x-error"].startswith("permanent")


async def test_an_unparseable_message_is_parked_and_the_rest_handled(
    db: FakeDb, broker: FakeBroker
) -> None:
    handled: list[str] = []

    async def on_thing(e: EventEnvelope) -> None:
        handled.append(e.id)

    good = event()
    await consumer(db, broker, on_thing).handle_records(
        [record(b"\x00not json at all"), record(good)]
    )
    assert handled == [good.id]
    assert broker.published[0]["body"] == b"\x00not json at all"
    assert broker.published[0]["headers"]["x-error"].startswith("unparseable")


async def test_when_kafka_refuses_to_park_the_batch_is_not_done_and_is_handled_again(
    db: FakeDb, broker: FakeBroker
) -> None:
    handled: list[str] = []

    async def on_thing(e: EventEnvelope) -> None:
        if e.data.get("explode"):
            raise PermanentError("bad")
        handled.append(e.id)

    good, bad = event("a"), event("b", explode=True)
    c = consumer(db, broker, on_thing)
    broker.refuse = True
    with pytest.raises(ExceptionGroup):
        await c.handle_records([record(good), record(bad)])
    assert db.processed.batches_done() == 0  # so the offset is not committed

    broker.refuse = False  # redelivered: both handled again, nothing lost
    await c.handle_records([record(good), record(bad)])
    assert handled.count(good.id) >= 1 and len(broker.published) == 1
    assert db.processed.batches_done() == 1


async def test_a_database_failure_raises_so_the_batch_is_redelivered(
    db: FakeDb, broker: FakeBroker
) -> None:
    handled: list[str] = []

    async def on_thing(e: EventEnvelope) -> None:
        handled.append(e.id)

    db.processed.fail_inserts = True
    with pytest.raises(BulkWriteError):
        await consumer(db, broker, on_thing).handle_records([record(event())])
    assert handled == []


async def test_other_consumers_events_cost_nothing(db: FakeDb, broker: FakeBroker) -> None:
    async def on_thing(e: EventEnvelope) -> None:
        raise AssertionError("not mine")

    other = EventEnvelope(type="other.thing.v1", source="/x", subject="a", tenant="t", data={})
    await consumer(db, broker, on_thing).handle_records([record(other)])
    assert db.processed.commands == []


async def test_handle_one_event_keeps_working(db: FakeDb, broker: FakeBroker) -> None:
    handled: list[str] = []

    async def on_thing(e: EventEnvelope) -> None:
        handled.append(e.id)

    e = event()
    c = consumer(db, broker, on_thing)
    await c.handle(e)
    await c.handle(e)
    assert handled == [e.id]


async def test_each_event_is_handled_in_its_producers_trace(
    db: FakeDb, broker: FakeBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chassis.consumer, "tracer", TracerProvider().get_tracer("test"))
    seen: dict[str, int] = {}

    async def on_thing(e: EventEnvelope) -> None:
        seen[e.id] = trace.get_current_span().get_span_context().trace_id

    first, second = event("a"), event("b")
    ids = [secrets.token_hex(16) for _ in range(2)]
    await consumer(db, broker, on_thing).handle_records(
        [
            record(e, headers=(("traceparent", f"00-{t}-{secrets.token_hex(8)}-01".encode()),))
            for e, t in zip([first, second], ids, strict=True)
        ]
    )
    assert [seen[first.id], seen[second.id]] == [int(t, 16) for t in ids]
