"""`Idempotency-Key` for creating POSTs: the same key and body replay the first answer, the
same key with another body is a 422, and a request still in flight under that key is a 409.

A key is claimed with one insert on a unique _id before the work starts, so two concurrent
retries can never both create. A claim left `in_progress` by a process that died mid-request
would answer 409 forever; once it is older than any request can run (`STALE_CLAIM_AFTER`), one
retry with the same body takes it over (a second unique insert arbitrates between retries) and
does the work. The one case that creates twice is a crash after the work was stored but before
its answer was: a window of one database round trip, against a client that could otherwise
never learn what became of its request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import msgspec
from litestar import Response
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.auth import Principal
from chassis.problems import Problem, invalid

MAX_KEY_LENGTH = 200
# Longer than any request may run (the gateway gives a service 15 s to answer).
STALE_CLAIM_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any


def request_fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.keys = db["idempotency_keys"]

    async def run(
        self,
        *,
        tenant: str,
        caller: str,
        key: str | None,
        payload: Any,
        create: Callable[[], Awaitable[StoredResponse]],
    ) -> tuple[StoredResponse, bool]:
        """Run `create` once per key; returns the response and whether it is a replay."""
        if key is None:
            return await create(), False
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise invalid("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} characters")
        doc_id = f"{tenant}:{caller}:{key}"
        fingerprint = request_fingerprint(payload)
        try:
            await self.keys.insert_one(
                {
                    "_id": doc_id,
                    "tenant": tenant,
                    "fingerprint": fingerprint,
                    "state": "in_progress",
                    "created_at": datetime.now(UTC),
                }
            )
        except DuplicateKeyError:
            claim = await self.keys.find_one({"_id": doc_id})
            if not await self._took_over(claim, fingerprint):
                return self._replay(claim, fingerprint), True
        try:
            response = await create()
        except BaseException:
            # Failed work leaves no trace, so the client may retry with the same key.
            await self.keys.delete_one({"_id": doc_id})
            raise
        await self.keys.update_one(
            {"_id": doc_id},
            {"$set": {"state": "done", "status": response.status, "body": response.body}},
        )
        return response, False

    async def _took_over(self, claim: dict[str, Any] | None, fingerprint: str) -> bool:
        """True if `claim` was abandoned (in progress for too long) and this request now holds
        it; only one of several retries racing for it wins."""
        if claim is None or claim["state"] == "done" or claim["fingerprint"] != fingerprint:
            return False
        claimed_at = claim["created_at"]
        if claimed_at.tzinfo is None:
            claimed_at = claimed_at.replace(tzinfo=UTC)
        if datetime.now(UTC) - claimed_at < STALE_CLAIM_AFTER:
            return False
        try:
            await self.keys.insert_one(
                {
                    "_id": f"{claim['_id']}|taken-over|{claimed_at.isoformat()}",
                    "tenant": claim["tenant"],
                    "state": "takeover",
                    "created_at": datetime.now(UTC),
                }
            )
        except DuplicateKeyError:
            return False  # another retry took it over first
        await self.keys.update_one(
            {"_id": claim["_id"]}, {"$set": {"created_at": datetime.now(UTC)}}
        )
        return True

    @staticmethod
    def _replay(doc: dict[str, Any] | None, fingerprint: str) -> StoredResponse:
        if doc is None:
            raise Problem(409, "The request with this Idempotency-Key was just abandoned; retry.")
        if doc["fingerprint"] != fingerprint:
            raise invalid("Idempotency-Key", "was already used with a different request body")
        if doc["state"] != "done":
            raise Problem(409, "A request with this Idempotency-Key is still in progress.")
        return StoredResponse(doc["status"], doc["body"])


class RunsOnce(Protocol):
    """An Idempotency-Key store: this one, or a service's stricter wrapper of it."""

    async def run(
        self,
        *,
        tenant: str,
        caller: str,
        key: str | None,
        payload: Any,
        create: Callable[[], Awaitable[StoredResponse]],
    ) -> tuple[StoredResponse, bool]: ...


async def respond_once(
    store: RunsOnce,
    tenant: str,
    principal: Principal,
    key: str | None,
    body: Any,
    create: Callable[[], Awaitable[StoredResponse]],
) -> Response[Any]:
    """A creating POST's answer: created once per key, replayed with `Idempotent-Replayed`."""
    response, replayed = await store.run(
        tenant=tenant,
        caller=principal.sub,
        key=key,
        payload=msgspec.to_builtins(body),
        create=create,
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(response.body, status_code=response.status, headers=headers)
