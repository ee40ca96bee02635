"""`Idempotency-Key` for creating POSTs: the same key and body replay the first answer, the
same key with another body is a 422, and a request still in flight under that key is a 409.

A key is claimed with one insert on a unique _id before the work starts, so two concurrent
retries can never both create.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import msgspec
from litestar import Response
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.auth import Principal
from chassis.problems import Problem, invalid

MAX_KEY_LENGTH = 200


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
            return self._replay(await self.keys.find_one({"_id": doc_id}), fingerprint), True
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
