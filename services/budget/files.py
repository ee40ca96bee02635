"""The budget's files in its own S3 bucket, under `{tenant}/budget/...`: project images,
implementation photos and eligibility proofs. Received whole (a few MB at most), typed by
their bytes, stored, and described by a small record kept on the owning document."""

from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from litestar.datastructures import UploadFile
from minio import Minio
from minio.error import S3Error

from chassis.problems import Problem
from chassis.s3 import tenant_key
from services.budget.file_types import judge_file, safe_filename

CHUNK_BYTES = 256 * 1024


class FileStore:
    def __init__(self, client: Minio, bucket: str, max_bytes: int) -> None:
        self.client = client
        self.bucket = bucket
        self.max_bytes = max_bytes

    async def receive(
        self, tenant: str, kind: str, owner_id: str, upload: UploadFile, allowed: tuple[str, ...]
    ) -> dict[str, Any]:
        """Check and store one uploaded file; its record (for the owning document)."""
        data = await upload.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise Problem(413, f"The file is larger than {self.max_bytes // (1024 * 1024)} MB.")
        if not data:
            raise Problem(422, "The file is empty.")
        try:
            content_type = judge_file(data[:16], upload.content_type, allowed)
        except ValueError as refused:
            raise Problem(415, str(refused)) from refused
        file_id = uuid.uuid4().hex
        key = tenant_key(tenant, "budget", kind, owner_id, file_id)
        await asyncio.to_thread(
            self.client.put_object,
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
        )
        return {
            "id": file_id,
            "key": key,
            "content_type": content_type,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "filename": safe_filename(upload.filename),
            "at": datetime.now(UTC),
        }

    async def open(self, key: str) -> AsyncIterator[bytes]:
        try:
            response = await asyncio.to_thread(self.client.get_object, self.bucket, key)
        except S3Error as exc:
            if exc.code == "NoSuchKey":
                raise Problem(404, "The file is missing.") from exc
            raise

        async def chunks() -> AsyncIterator[bytes]:
            stream = response.stream(CHUNK_BYTES)
            try:
                while chunk := await asyncio.to_thread(next, stream, b""):
                    yield chunk
            finally:
                response.close()
                response.release_conn()

        return chunks()

    async def ready(self) -> bool:
        return bool(await asyncio.to_thread(self.client.bucket_exists, self.bucket))


def public_file(record: dict[str, Any]) -> dict[str, Any]:
    """What a reader sees of a file record (never the storage key)."""
    return {k: record[k] for k in ("id", "content_type", "size", "sha256", "filename", "at")}
