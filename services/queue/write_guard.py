"""Keeps this process's writes to one booking or ticket document from interleaving.

A copy of services/appeals/write_guard.py (services share no code but chassis). Why: FerretDB
(v1) runs an update as read-then-write without holding the row, so two
updates of the same document at once can lose one of them even when both filter on `version`
(seen in practice: the outbox relay clearing a published event overwrote the staff action
written meanwhile). Here the writers of a booking are the use cases, the payment subscriber,
the leader's job and the outbox relay; all take its lock. On MongoDB the version filter alone is
enough; across replicas on FerretDB this narrows the window but cannot close it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from chassis.outbox import OutboxRelay
from chassis.tracing import untraced


class DocumentLocks:
    """One asyncio lock per document id, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class GuardedOutboxRelay(OutboxRelay):
    """The chassis relay, publishing and clearing a document's events under its lock.

    A writer in this process may hand over the records it just stored (`notify_stored`): the
    relay then publishes those without reading the document back, saving one read per change
    (every booking is one). Whatever it was not handed (another replica's, a crash's) the
    chassis path and its sweep still find in the document.
    """

    def __init__(self, *args: Any, locks: DocumentLocks, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locks = locks
        self._handed: dict[tuple[str, Any], list[dict[str, Any]]] = {}

    def notify_stored(self, collection: str, doc_id: Any, records: list[dict[str, Any]]) -> None:
        self._handed.setdefault((collection, doc_id), []).extend(records)
        self.notify(collection, doc_id)

    async def _relay_document(
        self, collection: AsyncCollection[dict[str, Any]], doc_id: Any
    ) -> int:
        async with self.locks.hold(str(doc_id)):
            records = self._handed.pop((collection.name, doc_id), None)
            if not records:
                return await super()._relay_document(collection, doc_id)
            try:
                for record in records:
                    await self._publish(record)
            except BaseException:
                self._handed[(collection.name, doc_id)] = records  # retried next round
                raise
            with untraced():
                await collection.update_one({"_id": doc_id}, {"$pullAll": {"outbox": records}})
            return len(records)
