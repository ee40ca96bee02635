"""Use cases of appeal attachments: upload (checked, typed by content, stored, recorded) and
download (a short-lived link or a stream), each only for the author and the council's staff."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

import structlog

from chassis.auth import Principal
from chassis.problems import Problem
from services.appeals.attachment_rules import (
    ARRAY_OF,
    AttachmentLimits,
    Purpose,
    check_may_attach,
    check_may_read,
    check_room_for_one_more,
    find_attachment,
    too_many,
)
from services.appeals.attachment_storage import AttachmentObjects, AttachmentRecords, object_key
from services.appeals.attachment_types import judge_file, safe_filename
from services.appeals.tenant_settings import TenantSettingsReader

# The issue caps download links at 15 minutes; a link cannot outlive this whatever is configured.
MAX_LINK_TTL = timedelta(minutes=15)
log = structlog.get_logger("appeals.attachments")


@dataclass
class ReceivedFile:
    """An uploaded file, already read to a spooled temporary file with its size and digest."""

    data: BinaryIO
    size: int
    sha256: str
    head: bytes
    filename: str | None = None
    declared_type: str | None = None
    zip_entries: list[str] = field(default_factory=list)


# Reads the request body, refusing (413) once more than the given number of bytes arrived.
FileReceiver = Callable[[int], Awaitable[ReceivedFile]]


@dataclass(frozen=True)
class StoredAttachment:
    id: str
    size: int
    content_type: str
    sha256: str
    filename: str
    purpose: str


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: datetime
    attachment: dict[str, Any]


class AttachmentUseCases:
    def __init__(
        self,
        records: AttachmentRecords,
        objects: AttachmentObjects,
        tenant_settings: TenantSettingsReader,
        *,
        default_max_mb: float = 10.0,
        default_max_count: int = 5,
        link_ttl: timedelta = MAX_LINK_TTL,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.records = records
        self.objects = objects
        self.tenant_settings = tenant_settings
        self.default_max_mb = default_max_mb
        self.default_max_count = default_max_count
        self.link_ttl = min(link_ttl, MAX_LINK_TTL)
        self.clock = clock

    async def limits_of(self, tenant: str) -> AttachmentLimits:
        return AttachmentLimits.from_tenant_settings(
            await self.tenant_settings.settings_of(tenant),
            self.default_max_mb,
            self.default_max_count,
        )

    async def _appeal(self, tenant: str, appeal_id: str) -> dict[str, Any]:
        appeal = await self.records.appeal(tenant, appeal_id)
        if appeal is None:
            raise Problem(404, "No such appeal.")
        return appeal

    async def upload_attachment(
        self,
        tenant: str,
        caller: Principal,
        appeal_id: str,
        purpose: Purpose,
        receive: FileReceiver,
    ) -> StoredAttachment:
        """Checks who and how many before reading a byte, the size while reading, the type
        from the bytes; stores the object, then records it with a guarded update (and removes
        the object again if the appeal no longer has room or closed meanwhile)."""
        appeal = await self._appeal(tenant, appeal_id)
        check_may_attach(appeal, tenant, caller, purpose)
        limits = await self.limits_of(tenant)
        check_room_for_one_more(appeal, purpose, limits)

        received = await receive(limits.max_bytes)
        try:
            return await self._store(tenant, caller, appeal_id, purpose, received, limits)
        finally:
            received.data.close()  # the spooled temporary file, in memory or on disk

    async def _store(
        self,
        tenant: str,
        caller: Principal,
        appeal_id: str,
        purpose: Purpose,
        received: ReceivedFile,
        limits: AttachmentLimits,
    ) -> StoredAttachment:
        verdict = judge_file(
            received.head, received.zip_entries, received.filename, received.declared_type
        )
        if verdict.content_type is None:
            raise Problem(415, f"file: {verdict.reason}")

        attachment_id = str(uuid.uuid4())
        key = object_key(tenant, appeal_id, attachment_id)
        stored = StoredAttachment(
            id=attachment_id,
            size=received.size,
            content_type=verdict.content_type,
            sha256=received.sha256,
            filename=safe_filename(received.filename),
            purpose=purpose,
        )
        await self.objects.put(key, received.data, received.size, verdict.content_type)
        record = {
            **stored.__dict__,
            "key": key,
            "uploaded_by": caller.sub,
            "by_staff": caller.is_staff_of(tenant),
            "uploaded_at": self.clock(),
        }
        added = await self.records.add(
            tenant,
            appeal_id,
            purpose,
            record,
            limits.max_count,
            only_while_open=not caller.is_staff_of(tenant),
        )
        if not added:
            await self.objects.delete(key)
            raise await self._why_not_added(tenant, appeal_id, caller, purpose, limits)
        log.info("appeal.attachment_added", appeal_id=appeal_id, attachment_id=attachment_id)
        return stored

    async def _why_not_added(
        self,
        tenant: str,
        appeal_id: str,
        caller: Principal,
        purpose: Purpose,
        limits: AttachmentLimits,
    ) -> Problem:
        """Another request changed the appeal between our check and our write."""
        appeal = await self._appeal(tenant, appeal_id)
        try:
            check_may_attach(appeal, tenant, caller, purpose)
            check_room_for_one_more(appeal, purpose, limits)
        except Problem as problem:
            return problem
        return too_many(limits)

    async def attachment_link(
        self, tenant: str, caller: Principal, appeal_id: str, attachment_id: str
    ) -> DownloadLink:
        attachment = await self._readable(tenant, caller, appeal_id, attachment_id)
        url = await self.objects.presigned_url(
            attachment["key"], self.link_ttl, str(attachment.get("filename") or "attachment")
        )
        return DownloadLink(url, self.clock() + self.link_ttl, attachment)

    async def attachment_stream(
        self, tenant: str, caller: Principal, appeal_id: str, attachment_id: str
    ) -> tuple[dict[str, Any], AsyncIterator[bytes]]:
        attachment = await self._readable(tenant, caller, appeal_id, attachment_id)
        return attachment, await self.objects.open(attachment["key"])

    async def list_attachments(
        self, tenant: str, caller: Principal, appeal_id: str
    ) -> list[dict[str, Any]]:
        """The appeal's files and its answer's, oldest first: for its author and the staff."""
        appeal = await self._appeal(tenant, appeal_id)
        check_may_read(appeal, tenant, caller)
        files = [f for array in ARRAY_OF.values() for f in appeal.get(array) or []]
        return sorted(files, key=lambda f: f["uploaded_at"])

    async def _readable(
        self, tenant: str, caller: Principal, appeal_id: str, attachment_id: str
    ) -> dict[str, Any]:
        appeal = await self._appeal(tenant, appeal_id)
        check_may_read(appeal, tenant, caller)
        return find_attachment(appeal, attachment_id)
