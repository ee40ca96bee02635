"""At-least-once consumption made effectively-once, a batch at a time: parse each envelope,
skip events already processed (unique by consumer and event id), retry with backoff, park
failures on `<topic>.dlq`.

A batch (up to `max_batch` records from the consumer's partitions) costs two database commands
when nothing is a duplicate, whatever its size:
1. one `insert_many(ordered=False)` of a *claim* per event (`_id` = consumer:event id, tagged
   with the batch's id). The unique `_id` arbitrates: a duplicate-key error is the only way
   an event is found to have been seen before, so there is no look-up per event (FerretDB does
   not push `$in` down; N equality finds would cost N commands);
2. after every handler of the batch has run (or its event is parked), one `insert_one` of the
   batch's *done* record. Then this returns and the offset is committed.
A claim counts as processed only once its batch is done. An event whose claim exists but whose
batch never finished (the process died, or lost the partition, mid-batch) is taken over and
handled again — at-least-once, as before — so nothing acknowledged by Kafka is lost. A crash
anywhere before the commit redelivers the batch; if it was done, its redelivery is a no-op.

Events with the same Kafka key (one aggregate) are handled in their order; different keys run
concurrently, at most `max_concurrency` at once, so one failing event's retries hold up only
its own key. A poison message is parked and committed, so it never blocks its partition.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from opentelemetry import trace
from pydantic import ValidationError
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from chassis.logging import get_logger
from chassis.tracing import continue_trace
from contracts.envelope import EventEnvelope
from contracts.topics import dead_letter_topic

log = get_logger("chassis.consumer")
tracer = trace.get_tracer("chassis.consumer")

EventHandler = Callable[[EventEnvelope], Awaitable[None]]

DUPLICATE_KEY = 11000
# Batch records are not any council's data; "platform" is a reserved tenant slug.
PLATFORM_TENANT = "platform"


class PermanentError(Exception):
    """A handler's way to say retrying cannot help (the event goes straight to the DLQ)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event of a batch with the bytes it came in (parked as they were) and the trace
    context its producer sent (a batch's own span starts a new trace)."""

    envelope: EventEnvelope
    body: bytes
    key: bytes | None
    claim_id: str
    trace: dict[str, str] | None = None


class IdempotentConsumer:
    """One consumer group's handlers for one topic, keyed by event type."""

    def __init__(
        self,
        name: str,
        topic: str,
        db: AsyncDatabase[dict[str, Any]],
        broker: KafkaBroker,
        handlers: dict[str, EventHandler],
        max_attempts: int = 5,
        base_backoff_s: float = 0.2,
        max_batch: int = 500,
        max_concurrency: int = 32,
    ) -> None:
        self.name = name
        self.topic = topic
        self.processed = db["processed_events"]
        self.broker = broker
        self.handlers = handlers
        self.max_attempts = max_attempts
        self.base_backoff_s = base_backoff_s
        self.max_batch = max_batch
        self.max_concurrency = max_concurrency

    def register(self) -> None:
        """Subscribe on the broker: a group per (consumer, topic), batches, commit after handling.

        One group per topic, not per service: a service's subscribers to several topics in one
        group rebalance each other whenever one of them joins, leaves or is slow, and the
        commits of the others fail meanwhile (seen with four topics in notify). A handler error
        nacks the batch: FastStream seeks every partition back to the batch's first record.
        """
        self.broker.subscriber(
            self.topic,
            batch=True,
            max_records=self.max_batch,
            # A poll returns as soon as records are buffered; an empty one waits this long and
            # FastStream then sleeps as long again, which bounds the delay added when idle.
            batch_timeout_ms=100,
            group_id=f"{self.name}.{self.topic}",
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"{self.name}:{self.topic}",
        )(self.on_batch)

    async def on_batch(self, msg: KafkaMessage) -> None:
        records: tuple[ConsumerRecord[Any, Any], ...] = msg.raw_message  # type: ignore[assignment]
        await self.handle_records(records)

    async def handle_records(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """Handle a batch of raw records in offset order; returns once all are handled."""
        deliveries: list[Delivery] = []
        poison: list[tuple[bytes, bytes | None, str]] = []
        for record in records:
            body: bytes = record.value or b""
            try:
                envelope = EventEnvelope.model_validate_json(body)
            except (ValueError, ValidationError) as exc:
                poison.append((body, record.key, f"unparseable envelope: {type(exc).__name__}"))
                continue
            carrier = {k: v.decode(errors="replace") for k, v in record.headers or ()}
            deliveries.append(self._delivery(envelope, body, record.key, carrier))
        async with asyncio.TaskGroup() as parking:
            for body, key, error in poison:
                parking.create_task(self._park(body, key, error, attempts=0))
        await self._process(deliveries)

    async def handle(self, envelope: EventEnvelope, msg: KafkaMessage | None = None) -> None:
        """Handle one event (a batch of one), e.g. from a test or a replay."""
        if msg is not None:
            body, key = msg.body, getattr(msg.raw_message, "key", None)
        else:
            body, key = envelope.model_dump_json().encode(), envelope.key.encode()
        await self._process([self._delivery(envelope, body, key)])

    def _delivery(
        self,
        envelope: EventEnvelope,
        body: bytes,
        key: bytes | None,
        carrier: dict[str, str] | None = None,
    ) -> Delivery:
        return Delivery(envelope, body, key, f"{self.name}:{envelope.id}", carrier)

    async def _process(self, deliveries: list[Delivery]) -> None:
        mine: list[Delivery] = []
        seen: set[str] = set()
        for delivery in deliveries:
            if delivery.envelope.type not in self.handlers:
                continue  # another consumer's event on a shared topic
            if delivery.claim_id in seen:  # the same event twice in one batch
                self._skipped(delivery)
                continue
            seen.add(delivery.claim_id)
            mine.append(delivery)
        if not mine:
            return
        batch = uuid.uuid4().hex
        todo = await self._claim(mine, batch)
        if not todo:
            return
        parked = await self._run_by_key(todo)
        if parked:  # rare: flag the claims so the record says what became of the event
            async with asyncio.TaskGroup() as flags:
                for claim_id in parked:
                    flags.create_task(
                        self.processed.update_one({"_id": claim_id}, {"$set": {"parked": True}})
                    )
        await self.processed.insert_one(
            {
                "_id": self._batch_id(batch),
                "tenant": PLATFORM_TENANT,
                "consumer": self.name,
                "events": len(todo),
                "done_at": datetime.now(UTC),
            }
        )

    def _batch_id(self, batch: str) -> str:
        return f"{self.name}:batch:{batch}"

    async def _claim(self, deliveries: list[Delivery], batch: str) -> list[Delivery]:
        """Insert a claim per event; returns the events to handle (new or taken over)."""
        now = datetime.now(UTC)
        claims = [
            {
                "_id": d.claim_id,
                "tenant": d.envelope.tenant,
                "consumer": self.name,
                "event_id": d.envelope.id,
                "event_type": d.envelope.type,
                "batch": batch,
                "parked": False,
                "claimed_at": now,
            }
            for d in deliveries
        ]
        try:
            await self.processed.insert_many(claims, ordered=False)
            return deliveries
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise  # the database failed: the batch is redelivered
            claimed_before = {int(e["index"]) for e in errors}
        async with asyncio.TaskGroup() as checks:
            retaken = {
                i: checks.create_task(self._take_over(deliveries[i], claims[i]))
                for i in claimed_before
            }
        return [
            d for i, d in enumerate(deliveries) if i not in claimed_before or retaken[i].result()
        ]

    async def _take_over(self, delivery: Delivery, claim_now: dict[str, Any]) -> bool:
        """An earlier claim exists: skip the event if its batch finished, else re-claim it."""
        claim = await self.processed.find_one({"_id": delivery.claim_id})
        earlier = None if claim is None else claim.get("batch")
        if claim is not None and (
            earlier is None  # a marker from before batches: written after handling
            or await self.processed.find_one({"_id": self._batch_id(earlier)}, {"_id": 1})
        ):
            self._skipped(delivery)
            return False
        fields = {k: v for k, v in claim_now.items() if k != "_id"}
        await self.processed.update_one({"_id": delivery.claim_id}, {"$set": fields}, upsert=True)
        return True

    def _skipped(self, delivery: Delivery) -> None:
        envelope = delivery.envelope
        log.info("event.duplicate_skipped", event_id=envelope.id, event_type=envelope.type)

    async def _run_by_key(self, todo: list[Delivery]) -> list[str]:
        """Each key's events in order, keys concurrently (bounded); returns the parked claims.
        If one key fails (Kafka refuses to park), the others are cancelled and it raises."""
        by_key: dict[bytes | None, list[Delivery]] = {}
        for delivery in todo:
            by_key.setdefault(delivery.key, []).append(delivery)
        slots = asyncio.Semaphore(self.max_concurrency)
        parked: list[str] = []

        async def run_key(events: list[Delivery]) -> None:
            async with slots:
                for delivery in events:
                    if not await self._handle_one(delivery):
                        parked.append(delivery.claim_id)

        async with asyncio.TaskGroup() as keys:
            for events in by_key.values():
                keys.create_task(run_key(events))
        return parked

    async def _handle_one(self, delivery: Delivery) -> bool:
        """Run the handler with retries; park the event if it still fails. False if parked."""
        envelope = delivery.envelope
        with (
            structlog.contextvars.bound_contextvars(tenant=envelope.tenant, event_id=envelope.id),
            self._traced(delivery),
        ):
            error = await self._run_with_retries(self.handlers[envelope.type], envelope)
            if error is None:
                return True
            await self._park(delivery.body, delivery.key, error, attempts=self.max_attempts)
            return False

    @contextmanager
    def _traced(self, delivery: Delivery) -> Iterator[None]:
        """A span per event, child of the producer's trace, so a saga reads as one trace."""
        with (
            continue_trace(delivery.trace) if delivery.trace is not None else nullcontext(),
            tracer.start_as_current_span(
                f"{self.topic} process",
                kind=trace.SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": self.topic,
                    "messaging.message.id": delivery.envelope.id,
                },
            ),
        ):
            yield

    async def _run_with_retries(self, handler: EventHandler, envelope: EventEnvelope) -> str | None:
        for attempt in range(1, self.max_attempts + 1):
            try:
                await handler(envelope)
                return None
            except PermanentError as exc:
                return f"permanent: {exc}"
            except Exception as exc:
                log.warning(
                    "event.handler_failed",
                    event_type=envelope.type,
                    attempt=attempt,
                    error=type(exc).__name__,
                )
                if attempt == self.max_attempts:
                    return f"{type(exc).__name__}: {exc}"
                await asyncio.sleep(self.base_backoff_s * 2 ** (attempt - 1))
        return None

    async def _park(self, body: bytes, key: bytes | None, error: str, attempts: int) -> None:
        """Publish the original bytes to the DLQ; if Kafka refuses, raise so it is redelivered."""
        await self.broker.publish(
            body,
            topic=dead_letter_topic(self.topic),
            key=key,
            headers={"x-error": error[:500], "x-consumer": self.name, "x-attempts": str(attempts)},
        )
        log.error("event.parked", topic=self.topic, consumer=self.name, error=error[:200])
