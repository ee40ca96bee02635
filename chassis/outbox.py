"""Transactional outbox without transactions: an aggregate and the events its change emits are
written in ONE single-document write (`outbox` list on the document); the relay publishes them
and removes exactly the records it published.

Finding work: a writer tells the relay which document it changed (`notify(collection, id)`),
so the relay reads it by `_id` only — the one lookup every MongoDB-wire server answers from an
index (FerretDB's SQLite backend decodes the whole collection for any other filter). A sweep of
all documents with a non-empty outbox runs at start-up, every `sweep_interval_s`, and whenever
`wake()` is called without saying what changed: it catches what another replica, a crash or a
Kafka outage left behind. Events may be published twice (a crash between publish and removal);
consumers de-duplicate by event id.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.collection import AsyncCollection

from chassis.background import cancelling
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
    """Publishes the outbox records of the given collections."""

    def __init__(
        self,
        broker: KafkaBroker,
        collections: list[AsyncCollection[dict[str, Any]]],
        poll_interval_s: float = 1.0,
        sweep_interval_s: float = 30.0,
        batch_size: int = 200,
        publish_timeout_s: float = 10.0,
    ) -> None:
        self.broker = broker
        self.collections = {c.name: c for c in collections}
        self.poll_interval_s = poll_interval_s
        self.sweep_interval_s = sweep_interval_s
        self.batch_size = batch_size
        self.publish_timeout_s = publish_timeout_s
        self._changed: set[tuple[str, Any]] = set()
        self._sweep_requested = True  # at start-up: pick up what a previous run left
        self._last_sweep = 0.0
        self._wake = asyncio.Event()

    async def ensure_indexes(self) -> None:
        """Nothing to index: the relay reads by `_id`, and the sweep is a periodic scan."""

    def notify(self, collection: str, document_id: Any) -> None:
        """A writer stored events on this document: publish them now."""
        self._changed.add((collection, document_id))
        self._wake.set()

    def wake(self) -> None:
        """Something changed somewhere: sweep every collection."""
        self._sweep_requested = True
        self._wake.set()

    async def run(self) -> None:
        backoff = self.poll_interval_s
        while True:
            try:
                await self.relay_once()
                backoff = self.poll_interval_s
            except Exception as exc:
                # A driver may turn our cancellation into its own error: never loop on past it.
                if cancelling():
                    raise
                log.warning("outbox.relay_failed", error=type(exc).__name__, retry_in_s=backoff)
                backoff = min(backoff * 2, 15.0)
            if self._changed or self._sweep_requested:
                continue
            try:
                async with asyncio.timeout(backoff):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()

    async def relay_once(self) -> int:
        """Publish what writers reported, and sweep when it is due; returns events published."""
        due = time.monotonic() - self._last_sweep >= self.sweep_interval_s
        if self._sweep_requested or due:
            self._sweep_requested = False
            self._last_sweep = time.monotonic()
            for name, collection in self.collections.items():
                with untraced():
                    found = await collection.find(
                        {"outbox.0": {"$exists": True}}, {"_id": 1}, limit=self.batch_size
                    ).to_list()
                self._changed.update((name, doc["_id"]) for doc in found)
                if len(found) == self.batch_size:
                    self._sweep_requested = True  # more than one batch left behind
        published = 0
        while self._changed:
            name, document_id = self._changed.pop()
            try:
                published += await self._relay_document(self.collections[name], document_id)
            except BaseException:
                self._changed.add((name, document_id))  # try again next round
                raise
        return published

    async def _relay_document(
        self, collection: AsyncCollection[dict[str, Any]], doc_id: Any
    ) -> int:
        with untraced():
            doc = await collection.find_one({"_id": doc_id}, {"outbox": 1})
        records = (doc or {}).get("outbox") or []
        for record in records:
            await self._publish(record)
        if records:
            with untraced():
                # Remove exactly what was published: records a concurrent change appended stay.
                await collection.update_one({"_id": doc_id}, {"$pullAll": {"outbox": records}})
        return len(records)

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
