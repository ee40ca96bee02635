"""Transactional outbox without transactions: an aggregate and the events its change emits are
written in ONE single-document write; the relay publishes them and clears them.

A document carries `outbox` (a list of records) and `outbox_pending: true`. The relay clears
the list only if the document's `version` is unchanged, so an event appended by a concurrent
change is never lost (it may be published twice; consumers de-duplicate by event id).
"""

from __future__ import annotations

import asyncio
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.collection import AsyncCollection

from chassis.logging import get_logger
from chassis.tracing import continue_trace, current_trace_carrier, untraced
from contracts.envelope import EventEnvelope

log = get_logger("chassis.outbox")


def outbox_record(envelope: EventEnvelope, topic: str) -> dict[str, Any]:
    """What is stored in the aggregate document; keeps the trace so the event continues it."""
    return {
        "id": envelope.id,
        "topic": topic,
        "key": envelope.key,
        "envelope": envelope.model_dump(mode="json"),
        "trace": current_trace_carrier(),
    }


class OutboxRelay:
    """Publishes pending outbox records of the given collections; woken after each write and
    polling as a safety net (a restart or a Kafka outage leaves records to pick up)."""

    def __init__(
        self,
        broker: KafkaBroker,
        collections: list[AsyncCollection[dict[str, Any]]],
        poll_interval_s: float = 1.0,
        batch_size: int = 200,
        publish_timeout_s: float = 10.0,
    ) -> None:
        self.broker = broker
        self.collections = collections
        self.poll_interval_s = poll_interval_s
        self.batch_size = batch_size
        self.publish_timeout_s = publish_timeout_s
        self._wake = asyncio.Event()

    async def ensure_indexes(self) -> None:
        for collection in self.collections:
            await collection.create_index("outbox_pending")

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        backoff = self.poll_interval_s
        while True:
            try:
                published = await self.relay_once()
                backoff = self.poll_interval_s
                if published:
                    continue  # there may be more than one batch
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox.relay_failed", error=type(exc).__name__, retry_in_s=backoff)
                backoff = min(backoff * 2, 15.0)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)
            except TimeoutError:
                pass
            self._wake.clear()

    async def relay_once(self) -> int:
        published = 0
        for collection in self.collections:
            with untraced():
                pending = await collection.find(
                    {"outbox_pending": True}, {"outbox": 1, "version": 1}, limit=self.batch_size
                ).to_list()
            for doc in pending:
                for record in doc.get("outbox", []):
                    await self._publish(record)
                    published += 1
                with untraced():
                    await collection.update_one(
                        {"_id": doc["_id"], "version": doc.get("version")},
                        {"$set": {"outbox": [], "outbox_pending": False}},
                    )
        return published

    async def _publish(self, record: dict[str, Any]) -> None:
        envelope = record["envelope"]
        with continue_trace(record.get("trace")):
            await asyncio.wait_for(
                self.broker.publish(
                    envelope,
                    topic=record["topic"],
                    key=record["key"].encode(),
                    headers={"ce_id": envelope["id"], "ce_type": envelope["type"]},
                ),
                timeout=self.publish_timeout_s,
            )
        log.info("outbox.published", event_type=envelope["type"], event_id=envelope["id"])
