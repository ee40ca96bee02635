"""Keeps one process's writes to one document from interleaving.

Why: FerretDB (v1) runs an update as read-then-write without holding the row, so two updates
of the same document at once can lose one of them even when both filter on `version` (seen in
practice: the outbox relay clearing a published event overwrote a staff action written
meanwhile). Every writer of a document in a service — its use cases, its jobs, its
subscribers and the outbox relay — takes the document's lock here. On MongoDB the version
filter alone is enough; across replicas on FerretDB this narrows the window but cannot close
it, so each service also keeps its invariants with unique indexes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from chassis.outbox import OutboxRelay


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
    """The chassis relay, publishing and clearing a document's events under its lock."""

    def __init__(self, *args: Any, locks: DocumentLocks, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locks = locks

    async def _relay_document(
        self, collection: AsyncCollection[dict[str, Any]], doc_id: Any
    ) -> int:
        async with self.locks.hold(str(doc_id)):
            return await super()._relay_document(collection, doc_id)
