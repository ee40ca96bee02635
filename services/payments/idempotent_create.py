"""Idempotency-Key for payment creation, stricter than the chassis store: a retry that arrives
while the first request is still running waits for it and replays its answer (instead of a
409), so 50 concurrent retries of one key and body all get the first answer and one payment.

In this process, requests with one key queue on a lock; across replicas a retry polls the
stored key until the first request finishes. Old keys go after the retention period (FerretDB
has no TTL index: the payments jobs delete them).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from chassis.idempotency import IdempotencyStore, StoredResponse
from chassis.problems import FieldError, Problem
from chassis.write_guard import DocumentLocks


class WaitingIdempotency:
    def __init__(self, store: IdempotencyStore, wait_s: float) -> None:
        self.store = store
        self.wait_s = wait_s
        self.locks = DocumentLocks()

    async def run(
        self,
        *,
        tenant: str,
        caller: str,
        key: str | None,
        payload: Any,
        create: Callable[[], Awaitable[StoredResponse]],
    ) -> tuple[StoredResponse, bool]:
        if key is None:
            raise Problem(
                400,
                "Потрібен заголовок Idempotency-Key / The Idempotency-Key header is required.",
                errors=[_header_error()],
            )
        doc_id = f"{tenant}:{caller}:{key}"
        deadline = time.monotonic() + self.wait_s
        delay = 0.05
        async with self.locks.hold(doc_id):
            while True:
                try:
                    return await self.store.run(
                        tenant=tenant, caller=caller, key=key, payload=payload, create=create
                    )
                except Problem as problem:
                    if problem.status != 409 or not await self._in_flight(doc_id):
                        raise
                    if time.monotonic() > deadline:
                        raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)

    async def _in_flight(self, doc_id: str) -> bool:
        """Another replica is still creating under this key (not a 409 of the work itself)."""
        doc = await self.store.keys.find_one({"_id": doc_id}, {"state": 1})
        return doc is not None and doc.get("state") == "in_progress"

    async def forget_older_than(self, retention: timedelta) -> int:
        cutoff = datetime.now(UTC) - retention
        result = await self.store.keys.delete_many({"created_at": {"$lt": cutoff}})
        return result.deleted_count


def _header_error() -> FieldError:
    return FieldError("Idempotency-Key", "required header for creating a payment")
