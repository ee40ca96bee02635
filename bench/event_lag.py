"""Event lag from write to consumer at a fixed rate; issue 11's target: p99 < 1 s at 1,000/s.

What is measured: events are published to a scratch topic with the producer the services use
(`chassis.kafka.create_broker`: acks=all, idempotent) at `--rate` events/s, and consumed
with `chassis.consumer.IdempotentConsumer` — the consumer every service runs, which claims
each event id in MongoDB to de-duplicate (a batch at a time: one insert of the claims, one of
the batch's done record) — whose handler records the lag: the time the handler runs minus the
envelope's `time` (set just before publishing, same clock). `--plain` consumes with a bare
FastStream subscriber instead (Kafka alone, no de-duplication), to show what the database
round trips add. `db_commands_per_event` counts the consumer's database commands, a figure
that does not depend on how busy the machine is. The outbox's own delay (the 201 of a write
to the event on Kafka) is measured end to end by the appeal scenario's email lag.

    uv run python bench/event_lag.py --rate 1000 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaMessage
from pymongo import AsyncMongoClient, monitoring

from bench.sampler import Sampler
from chassis.consumer import IdempotentConsumer
from chassis.kafka import create_broker
from chassis.settings import ServiceSettings
from contracts.envelope import EventEnvelope

KAFKA = os.environ.get("HROMADA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
MONGO = os.environ.get("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
DB = "hromada_bench"
EVENT_TYPE = "bench.lag.measured.v1"


class CommandCounter(monitoring.CommandListener):
    """Counts the database commands the consumer issues: the figure that does not depend on how
    busy the machine is (each one costs FerretDB and PostgreSQL CPU)."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def scratch_topic(name: str, create: bool) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA)
    await admin.start()
    try:
        if create:
            await admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])
        else:
            await admin.delete_topics([name])
    finally:
        await admin.close()


async def run(
    rate: int = 1000, seconds: float = 20.0, plain: bool = False, drain_s: float = 60.0
) -> dict[str, Any]:
    """Publish `rate` events/s for `seconds`, wait for every one (or `drain_s`), return the
    lags. Events still unconsumed then are counted as `unconsumed`, not as lags."""
    run_id = uuid.uuid4().hex[:8]
    topic = f"hromada.bench.lag.{run_id}"
    await scratch_topic(topic, create=True)
    settings = ServiceSettings(service_name="bench-lag", kafka_bootstrap=KAFKA)
    broker = create_broker(settings, None)
    commands = CommandCounter()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(MONGO, event_listeners=[commands])
    sampler = Sampler(ok=(200,))
    seen: set[str] = set()
    duplicates = 0
    warm = asyncio.Event()
    all_in = asyncio.Event()  # set once every published event has arrived
    published = failed = 0  # failed: publishes the producer gave up on
    publishing = True

    def arrived(envelope: EventEnvelope) -> None:
        nonlocal duplicates
        if envelope.data.get("warmup"):
            warm.set()
            return
        if envelope.id in seen:
            duplicates += 1
            return
        seen.add(envelope.id)
        sampler.add(time.time() - envelope.time.timestamp(), 200)
        if not publishing and len(seen) >= published - failed:
            all_in.set()

    if plain:

        async def on_plain(msg: KafkaMessage) -> None:
            arrived(EventEnvelope.model_validate(json.loads(msg.body)))

        broker.subscriber(topic, group_id=f"bench-lag-{run_id}", auto_offset_reset="earliest")(
            on_plain
        )
    else:

        async def on_event(envelope: EventEnvelope) -> None:
            arrived(envelope)

        IdempotentConsumer(
            f"bench-lag-{run_id}", topic, mongo[DB], broker, {EVENT_TYPE: on_event}
        ).register()

    def envelope(n: int, warmup: bool = False) -> dict[str, Any]:
        return EventEnvelope(
            type=EVENT_TYPE,
            source="/hromada/bench",
            subject=f"aggregate-{n % 500}",
            tenant="bench",
            time=datetime.now(UTC),
            data={"n": n, "warmup": warmup, "text": "Подія для вимірювання затримки."},
        ).model_dump(mode="json")

    async def publish(n: int, warmup: bool = False) -> None:
        nonlocal failed
        body = envelope(n, warmup)
        try:
            await broker.publish(body, topic=topic, key=f"bench:aggregate-{n % 500}".encode())
        except Exception as exc:  # the producer gave up (KafkaTimeoutError): not in flight
            failed += 1
            sampler.failed(f"publish {type(exc).__name__}")
            if not publishing and len(seen) >= published - failed:
                all_in.set()

    await broker.start()
    try:
        # The consumer group must own its partitions before the clock starts.
        deadline = time.monotonic() + 60
        while not warm.is_set() and time.monotonic() < deadline:
            await publish(-1, warmup=True)
            try:
                await asyncio.wait_for(warm.wait(), 2.0)
            except TimeoutError:
                pass
        # Every 10 ms the events due by then, published concurrently (one acks=all round trip
        # each, batched by the producer), so the rate holds even when one batch is slow.
        commands.count = 0  # the warm-up's commands are not the measured events'
        began = time.perf_counter()
        tasks: set[asyncio.Task[None]] = set()
        while (elapsed := time.perf_counter() - began) < seconds:
            due = int(elapsed * rate) - published
            for n in range(published, published + due):
                task = asyncio.create_task(publish(n))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            published += due
            await asyncio.sleep(0.01)
        await asyncio.gather(*tasks)
        publish_s = time.perf_counter() - began
        publishing = False
        if len(seen) < published - failed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_in.wait(), drain_s)
        consumed_s = time.perf_counter() - began
        db_commands = commands.count
    finally:
        await broker.stop()
        await mongo[DB]["processed_events"].delete_many({"consumer": f"bench-lag-{run_id}"})
        await mongo.close()
        await scratch_topic(topic, create=False)
    figures = sampler.figures()
    return {
        "consumer": "faststream subscriber" if plain else "IdempotentConsumer",
        "rate_asked": rate,
        "published": published - failed,
        "publish_failed": failed,
        "published_per_s": round((published - failed) / publish_s, 1),
        "consumed": len(seen),
        "unconsumed": published - failed - len(seen),
        "consumed_per_s": round(len(seen) / consumed_s, 1),
        "db_commands": db_commands,
        "db_commands_per_event": round(db_commands / max(len(seen), 1), 3),
        "duplicates": duplicates,
        **figures,
        "sampler": sampler,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--plain", action="store_true", help="no de-duplication: Kafka alone")
    parser.add_argument("--drain", type=float, default=60.0, help="seconds to wait for the rest")
    args = parser.parse_args()
    report = asyncio.run(run(args.rate, args.seconds, args.plain, args.drain))
    report.pop("sampler")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
