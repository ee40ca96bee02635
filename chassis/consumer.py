"""At-least-once consumption made effectively-once: parse the envelope, skip events already
processed (unique by consumer and event id), retry with backoff, park failures on `<topic>.dlq`.

The offset is committed only after this returns, so a crash mid-way redelivers the event and
the processed-events record makes the second delivery a no-op. A poison message is parked and
committed, so it never blocks its partition.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from pydantic import ValidationError
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.logging import get_logger
from contracts.envelope import EventEnvelope
from contracts.topics import dead_letter_topic

log = get_logger("chassis.consumer")

EventHandler = Callable[[EventEnvelope], Awaitable[None]]


class PermanentError(Exception):
    """A handler's way to say retrying cannot help (the event goes straight to the DLQ)."""


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
    ) -> None:
        self.name = name
        self.topic = topic
        self.processed = db["processed_events"]
        self.broker = broker
        self.handlers = handlers
        self.max_attempts = max_attempts
        self.base_backoff_s = base_backoff_s

    def register(self) -> None:
        """Subscribe on the broker: a group per (consumer, topic), commit after handling.

        One group per topic, not per service: a service's subscribers to several topics in one
        group rebalance each other whenever one of them joins, leaves or is slow, and the
        commits of the others fail meanwhile (seen with four topics in notify).
        """
        self.broker.subscriber(
            self.topic,
            group_id=f"{self.name}.{self.topic}",
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"{self.name}:{self.topic}",
        )(self.on_message)

    async def on_message(self, msg: KafkaMessage) -> None:
        raw: bytes = msg.body
        try:
            envelope = EventEnvelope.model_validate(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            await self._park(msg, f"unparseable envelope: {type(exc).__name__}", attempts=0)
            return
        await self.handle(envelope, msg)

    async def handle(self, envelope: EventEnvelope, msg: KafkaMessage | None = None) -> None:
        handler = self.handlers.get(envelope.type)
        if handler is None:
            return  # another consumer's event on a shared topic
        marker_id = f"{self.name}:{envelope.id}"
        if await self.processed.find_one({"_id": marker_id}, {"_id": 1}):
            log.info("event.duplicate_skipped", event_id=envelope.id, event_type=envelope.type)
            return
        with structlog.contextvars.bound_contextvars(tenant=envelope.tenant, event_id=envelope.id):
            error = await self._run_with_retries(handler, envelope)
            if error is not None:
                await self._park(msg, error, attempts=self.max_attempts, envelope=envelope)
            await self._mark_processed(marker_id, envelope, parked=error is not None)

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

    async def _mark_processed(self, marker_id: str, envelope: EventEnvelope, parked: bool) -> None:
        try:
            await self.processed.insert_one(
                {
                    "_id": marker_id,
                    "tenant": envelope.tenant,
                    "consumer": self.name,
                    "event_id": envelope.id,
                    "event_type": envelope.type,
                    "parked": parked,
                    "processed_at": datetime.now(UTC),
                }
            )
        except DuplicateKeyError:
            pass  # a concurrent redelivery got there first

    async def _park(
        self,
        msg: KafkaMessage | None,
        error: str,
        attempts: int,
        envelope: EventEnvelope | None = None,
    ) -> None:
        """Publish the original bytes to the DLQ; if Kafka refuses, raise so it is redelivered."""
        if msg is not None:
            body, key = msg.body, getattr(msg.raw_message, "key", None)
        elif envelope is not None:
            body, key = envelope.model_dump_json().encode(), envelope.key.encode()
        else:
            raise ValueError("nothing to park")
        await self.broker.publish(
            body,
            topic=dead_letter_topic(self.topic),
            key=key,
            headers={"x-error": error[:500], "x-consumer": self.name, "x-attempts": str(attempts)},
        )
        log.error("event.parked", topic=self.topic, consumer=self.name, error=error[:200])
