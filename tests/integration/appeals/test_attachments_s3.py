"""Attachments on the real object store and the real MongoDB-wire server: stored under the
server's key, read back byte for byte (stream and presigned link), and the count limit held by
the guarded single-document update."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from chassis.auth import Principal
from chassis.problems import Problem
from chassis.s3 import create_s3_client, ensure_bucket
from services.appeals.attachment_storage import AttachmentObjects, AttachmentRecords
from services.appeals.attachment_upload import receive_upload
from services.appeals.attachments import AttachmentUseCases, ReceivedFile
from services.appeals.settings import AppealsSettings
from services.appeals.tenant_settings import TenantSettingsReader
from tests import attachment_files as files
from tests.unit.appeals.test_attachments_upload import CONTENT_TYPE, body, chunks

pytestmark = pytest.mark.integration


@pytest.fixture
async def setup() -> AsyncIterator[tuple[AttachmentUseCases, Any, AttachmentObjects, str]]:
    settings = AppealsSettings()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    db = mongo[f"test_attachments_{uuid.uuid4().hex[:8]}"]
    s3 = create_s3_client(settings)
    await ensure_bucket(s3, settings.attachments_bucket)
    objects = AttachmentObjects(s3, settings.attachments_bucket)
    tenant = f"t{uuid.uuid4().hex[:10]}"
    use_cases = AttachmentUseCases(AttachmentRecords(db), objects, TenantSettingsReader(db))
    yield use_cases, db, objects, tenant
    for item in s3.list_objects(settings.attachments_bucket, prefix=f"{tenant}/", recursive=True):
        s3.remove_object(settings.attachments_bucket, item.object_name)
    await mongo.drop_database(db.name)
    await mongo.close()


AUTHOR = Principal(sub="c1", name="Олена", roles=frozenset({"citizen"}))


def upload_of(data: bytes, filename: str) -> Any:
    async def receive(max_bytes: int) -> ReceivedFile:
        payload = body([("file", filename, data)])
        return await receive_upload(chunks(payload, 64 * 1024), CONTENT_TYPE, max_bytes)

    return receive


async def add_appeal(db: Any, tenant: str) -> str:
    appeal_id = str(uuid.uuid4())
    await db["appeals"].insert_one(
        {"_id": appeal_id, "tenant": tenant, "citizen_sub": "c1", "status": "registered"}
    )
    return appeal_id


async def test_upload_then_stream_and_presigned_link_return_the_same_bytes(setup: Any) -> None:
    use_cases, db, _, tenant = setup
    appeal_id = await add_appeal(db, tenant)
    data = files.png(64, 64) + b"\x00" * 300_000  # held in the in-memory spool
    stored = await use_cases.upload_attachment(
        tenant, AUTHOR, appeal_id, "appeal", upload_of(data, "map.png")
    )
    assert stored.sha256 == hashlib.sha256(data).hexdigest()

    doc = await db["appeals"].find_one({"_id": appeal_id})
    assert doc["version"] == 1 and doc["attachments"][0]["key"] == (
        f"{tenant}/appeals/{appeal_id}/{stored.id}"
    )
    _, stream = await use_cases.attachment_stream(tenant, AUTHOR, appeal_id, stored.id)
    assert b"".join([chunk async for chunk in stream]) == data
    link = await use_cases.attachment_link(tenant, AUTHOR, appeal_id, stored.id)
    async with httpx.AsyncClient() as client:
        fetched = await client.get(link.url)
    assert fetched.status_code == 200 and fetched.content == data


async def test_a_file_larger_than_the_spool_streams_to_disk_and_back(setup: Any) -> None:
    use_cases, db, _, tenant = setup
    appeal_id = await add_appeal(db, tenant)
    data = files.pdf() + b"%" + b"x" * (3 * 1024 * 1024)
    stored = await use_cases.upload_attachment(
        tenant, AUTHOR, appeal_id, "appeal", upload_of(data, "big.pdf")
    )
    _, stream = await use_cases.attachment_stream(tenant, AUTHOR, appeal_id, stored.id)
    assert hashlib.sha256(b"".join([c async for c in stream])).hexdigest() == stored.sha256


async def test_the_councils_limits_hold_on_the_real_store(setup: Any) -> None:
    use_cases, db, _, tenant = setup
    await TenantSettingsReader(db).put(
        tenant, {"appeal_attachment_max_mb": 0.01, "appeal_attachment_max_count": 2}
    )
    appeal_id = await add_appeal(db, tenant)
    for name in ("a.pdf", "b.pdf"):
        await use_cases.upload_attachment(
            tenant, AUTHOR, appeal_id, "appeal", upload_of(files.pdf(), name)
        )
    with pytest.raises(Problem) as caught:
        await use_cases.upload_attachment(
            tenant, AUTHOR, appeal_id, "appeal", upload_of(files.pdf(), "c.pdf")
        )
    assert caught.value.status == 422

    # The guarded update itself refuses a third entry even when the early check is skipped.
    added = await AttachmentRecords(db).add(
        tenant, appeal_id, "appeal", {"id": "x"}, max_count=2, only_while_open=True
    )
    assert added is False
    other = await add_appeal(db, tenant)
    with pytest.raises(Problem) as caught:
        await use_cases.upload_attachment(
            tenant, AUTHOR, other, "appeal", upload_of(files.pdf() + b"0" * 20_000, "big.pdf")
        )
    assert caught.value.status == 413
    doc = await db["appeals"].find_one({"_id": appeal_id})
    assert len(doc["attachments"]) == 2


async def test_the_author_is_refused_by_the_update_once_the_appeal_is_answered(
    setup: Any,
) -> None:
    _, db, _, tenant = setup
    appeal_id = await add_appeal(db, tenant)
    await db["appeals"].update_one({"_id": appeal_id}, {"$set": {"status": "answered"}})
    records = AttachmentRecords(db)
    assert not await records.add(tenant, appeal_id, "appeal", {"id": "x"}, 5, only_while_open=True)
    assert await records.add(tenant, appeal_id, "answer", {"id": "y"}, 5, only_while_open=False)
    assert not await records.add(
        "other", appeal_id, "answer", {"id": "z"}, 5, only_while_open=False
    )


async def test_a_missing_object_is_a_404_before_any_byte_is_sent(setup: Any) -> None:
    use_cases, db, objects, tenant = setup
    appeal_id = await add_appeal(db, tenant)
    stored = await use_cases.upload_attachment(
        tenant, AUTHOR, appeal_id, "appeal", upload_of(files.pdf(), "a.pdf")
    )
    await objects.delete(f"{tenant}/appeals/{appeal_id}/{stored.id}")
    with pytest.raises(Problem) as caught:
        await use_cases.attachment_stream(tenant, AUTHOR, appeal_id, stored.id)
    assert caught.value.status == 404
