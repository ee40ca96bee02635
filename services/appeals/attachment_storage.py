"""Where attachments live: the bytes in the service's S3 bucket, their metadata on the appeal
document. The `minio` SDK is synchronous, so every call runs in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, BinaryIO

from minio import Minio
from minio.error import S3Error
from pymongo.asynchronous.database import AsyncDatabase
from urllib3 import BaseHTTPResponse

from chassis.mongo import TenantRepository
from chassis.problems import Problem
from chassis.s3 import tenant_key
from chassis.write_guard import DocumentLocks
from services.appeals.attachment_rules import ARRAY_OF, AUTHOR_MAY_ATTACH_IN, Purpose
from services.appeals.attachment_types import content_disposition

CHUNK_BYTES = 256 * 1024


def object_key(tenant: str, appeal_id: str, attachment_id: str) -> str:
    """Server-generated: nothing the client sends ends up in the key."""
    return tenant_key(tenant, "appeals", appeal_id, attachment_id)


class AttachmentObjects:
    """The attachments' bytes in one bucket, under `{tenant}/appeals/{appeal_id}/{id}`."""

    def __init__(self, client: Minio, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    async def put(self, key: str, data: BinaryIO, size: int, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object, self.bucket, key, data, size, content_type=content_type
        )

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.remove_object, self.bucket, key)

    async def presigned_url(self, key: str, ttl: timedelta, filename: str) -> str:
        headers: dict[str, str | list[str] | tuple[str]] = {
            "response-content-disposition": content_disposition(filename)
        }
        return await asyncio.to_thread(
            self.client.presigned_get_object,
            self.bucket,
            key,
            expires=ttl,
            response_headers=headers,
        )

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes chunk by chunk. The object is opened here, before any response
        starts, so a missing one is a clean 404 rather than a response broken mid-way."""
        try:
            response = await asyncio.to_thread(self.client.get_object, self.bucket, key)
        except S3Error as exc:
            if exc.code == "NoSuchKey":
                raise Problem(404, "The attachment's file is missing.") from exc
            raise
        return _chunks(response)

    async def ready(self) -> bool:
        return bool(await asyncio.to_thread(self.client.bucket_exists, self.bucket))


async def _chunks(response: BaseHTTPResponse) -> AsyncIterator[bytes]:
    chunks = response.stream(CHUNK_BYTES)
    try:
        while chunk := await asyncio.to_thread(next, chunks, b""):
            yield chunk
    finally:
        response.close()
        response.release_conn()


class AttachmentRecords(TenantRepository):
    """Attachment metadata on the appeal document (collection `appeals`)."""

    collection_name = "appeals"
    _FIELDS = ("citizen_sub", "status", "number", *ARRAY_OF.values())

    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], locks: DocumentLocks | None = None
    ) -> None:
        super().__init__(db)
        # The appeal's other writers (workflow changes, outbox relay) take the same lock:
        # FerretDB's read-then-write update could otherwise lose one of two at once.
        self.locks = locks or DocumentLocks()

    async def appeal(self, tenant: str, appeal_id: str) -> dict[str, Any] | None:
        return await self.find_owned(tenant, appeal_id, dict.fromkeys(self._FIELDS, 1))

    async def add(
        self,
        tenant: str,
        appeal_id: str,
        purpose: Purpose,
        record: dict[str, Any],
        max_count: int,
        *,
        only_while_open: bool,
    ) -> bool:
        """Append one attachment in a single-document update whose filter re-checks the room
        left (the array has no element at index max_count-1) and, for the author, that the
        appeal is still open; False when the appeal no longer qualifies."""
        if max_count < 1:
            return False
        array = ARRAY_OF[purpose]
        query: dict[str, Any] = {"_id": appeal_id, f"{array}.{max_count - 1}": {"$exists": False}}
        if only_while_open:
            query["status"] = {"$in": list(AUTHOR_MAY_ATTACH_IN)}
        async with self.locks.hold(appeal_id):
            result = await self.collection.update_one(
                self.scoped(tenant, query), {"$push": {array: record}, "$inc": {"version": 1}}
            )
        return result.modified_count == 1
