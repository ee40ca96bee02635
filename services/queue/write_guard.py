"""The queue's outbox relay: the chassis's guarded relay (chassis/write_guard.py) that can also
publish what a writer hands it, without reading the document back."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from chassis.outbox import OutboxRelay
from chassis.tracing import untraced
from chassis.write_guard import DocumentLocks
from chassis.write_guard import GuardedOutboxRelay as ChassisGuardedRelay

__all__ = ["DocumentLocks", "GuardedOutboxRelay"]


class GuardedOutboxRelay(ChassisGuardedRelay):
    """The chassis's guarded relay, plus a shortcut: a writer in this process may hand over the
    records it just stored (`notify_stored`); the relay then publishes those without reading
    the document back, saving one read per change (every booking is one). Whatever it was not
    handed (another replica's, a crash's) the chassis path and its sweep still find in the
    document.
    """

    def __init__(self, *args: Any, locks: DocumentLocks, **kwargs: Any) -> None:
        super().__init__(*args, locks=locks, **kwargs)
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
                # The unguarded path: this task already holds the (not re-entrant) lock.
                return await OutboxRelay._relay_document(self, collection, doc_id)
            try:
                for record in records:
                    await self._publish(record)
            except BaseException:
                self._handed[(collection.name, doc_id)] = records  # retried next round
                raise
            with untraced():
                await collection.update_one({"_id": doc_id}, {"$pullAll": {"outbox": records}})
            return len(records)
