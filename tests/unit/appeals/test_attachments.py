"""Attachment use cases with fakes: who may attach and read, limits checked before a byte is
read, and nothing half-written when the appeal changes under an upload."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

import pytest

from chassis.auth import Principal
from chassis.problems import Problem
from services.appeals.attachment_rules import MIB, AttachmentLimits, Purpose
from services.appeals.attachments import MAX_LINK_TTL, AttachmentUseCases, ReceivedFile
from tests import attachment_files as files

TENANT = "kamianske"
AUTHOR = Principal(sub="c1", name="Олена", roles=frozenset({"citizen"}))
STRANGER = Principal(sub="c2", name="Петро", roles=frozenset({"citizen"}))
OFFICIAL = Principal(sub="o1", roles=frozenset({"official"}), tenant=TENANT)
OTHER_OFFICIAL = Principal(sub="o2", roles=frozenset({"official"}), tenant="uzhhorod")


class FakeRecords:
    def __init__(self, appeal: dict[str, Any]) -> None:
        self.appeal_doc = appeal
        self.refuse_next_add = False

    async def appeal(self, tenant: str, appeal_id: str) -> dict[str, Any] | None:
        doc = self.appeal_doc
        return dict(doc) if doc["tenant"] == tenant and doc["_id"] == appeal_id else None

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
        array = "attachments" if purpose == "appeal" else "answer_attachments"
        if self.refuse_next_add:  # another upload took the last place meanwhile
            self.appeal_doc[array] = [{"id": f"x{i}"} for i in range(max_count)]
            return False
        self.appeal_doc.setdefault(array, []).append(record)
        return True


class FakeObjects:
    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}
        self.deleted: list[str] = []

    async def put(self, key: str, data: BinaryIO, size: int, content_type: str) -> None:
        self.stored[key] = data.read()

    async def delete(self, key: str) -> None:
        self.deleted.append(key)
        self.stored.pop(key, None)

    async def presigned_url(self, key: str, ttl: timedelta, filename: str) -> str:
        return f"http://s3/{key}?ttl={int(ttl.total_seconds())}"

    async def open(self, key: str) -> AsyncIterator[bytes]:
        async def chunks() -> AsyncIterator[bytes]:
            yield self.stored[key]

        return chunks()


class FakeSettings:
    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings = settings or {}

    async def settings_of(self, tenant: str) -> dict[str, Any]:
        return self.settings


def appeal(status: str = "registered", **extra: Any) -> dict[str, Any]:
    return {"_id": "a1", "tenant": TENANT, "citizen_sub": "c1", "status": status, **extra}


def receiver(data: bytes, filename: str = "file.pdf", calls: list[int] | None = None) -> Any:
    async def receive(max_bytes: int) -> ReceivedFile:
        if calls is not None:
            calls.append(max_bytes)
        return ReceivedFile(
            data=io.BytesIO(data),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            head=data[:4096],
            filename=filename,
            declared_type=None,
        )

    return receive


def cases(
    doc: dict[str, Any], settings: dict[str, Any] | None = None
) -> tuple[AttachmentUseCases, FakeRecords, FakeObjects]:
    records, objects = FakeRecords(doc), FakeObjects()
    use_cases = AttachmentUseCases(
        records,  # type: ignore[arg-type]
        objects,  # type: ignore[arg-type]
        FakeSettings(settings),  # type: ignore[arg-type]
        link_ttl=timedelta(hours=1),
        clock=lambda: datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
    )
    return use_cases, records, objects


async def test_the_author_attaches_a_pdf_stored_under_a_server_key() -> None:
    use_cases, records, objects = cases(appeal())
    data = files.pdf()
    stored = await use_cases.upload_attachment(TENANT, AUTHOR, "a1", "appeal", receiver(data))
    assert stored.content_type == "application/pdf"
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert objects.stored == {f"{TENANT}/appeals/a1/{stored.id}": data}
    assert records.appeal_doc["attachments"][0]["uploaded_by"] == "c1"


@pytest.mark.parametrize("caller", [STRANGER, OTHER_OFFICIAL])
async def test_another_citizen_or_another_councils_official_gets_404(caller: Principal) -> None:
    use_cases, _, objects = cases(appeal())
    calls: list[int] = []
    with pytest.raises(Problem) as caught:
        await use_cases.upload_attachment(
            TENANT, caller, "a1", "appeal", receiver(files.pdf(), calls=calls)
        )
    assert caught.value.status == 404 and calls == [] and objects.stored == {}


async def test_another_councils_official_cannot_read_an_attachment() -> None:
    use_cases, _, _ = cases(appeal(attachments=[{"id": "f1", "key": "k"}]))
    for caller in (STRANGER, OTHER_OFFICIAL):
        with pytest.raises(Problem) as caught:
            await use_cases.attachment_link(TENANT, caller, "a1", "f1")
        assert caught.value.status == 404


async def test_the_author_cannot_add_files_once_the_appeal_is_answered() -> None:
    use_cases, _, _ = cases(appeal("answered"))
    with pytest.raises(Problem) as caught:
        await use_cases.upload_attachment(TENANT, AUTHOR, "a1", "appeal", receiver(files.pdf()))
    assert caught.value.status == 409 and "answered" in caught.value.detail


async def test_staff_attach_to_the_answer_and_the_citizen_may_not() -> None:
    use_cases, records, _ = cases(appeal("answered"))
    stored = await use_cases.upload_attachment(
        TENANT, OFFICIAL, "a1", "answer", receiver(files.png(), "reply.png")
    )
    assert records.appeal_doc["answer_attachments"][0]["id"] == stored.id
    with pytest.raises(Problem) as caught:
        await use_cases.upload_attachment(TENANT, AUTHOR, "a1", "answer", receiver(files.pdf()))
    assert caught.value.status == 403


async def test_count_limit_is_checked_before_the_body_is_read() -> None:
    full = appeal(attachments=[{"id": str(i)} for i in range(5)])
    use_cases, _, _ = cases(full)
    calls: list[int] = []
    with pytest.raises(Problem) as caught:
        await use_cases.upload_attachment(
            TENANT, AUTHOR, "a1", "appeal", receiver(files.pdf(), calls=calls)
        )
    assert caught.value.status == 422 and calls == []


async def test_the_councils_size_limit_is_what_the_reader_enforces() -> None:
    use_cases, _, _ = cases(appeal(), {"appeal_attachment_max_mb": 2})
    calls: list[int] = []
    await use_cases.upload_attachment(
        TENANT, AUTHOR, "a1", "appeal", receiver(files.pdf(), calls=calls)
    )
    assert calls == [2 * MIB]


async def test_a_forged_file_is_415_and_nothing_is_stored() -> None:
    use_cases, records, objects = cases(appeal())
    with pytest.raises(Problem) as caught:
        await use_cases.upload_attachment(
            TENANT, AUTHOR, "a1", "appeal", receiver(files.png(), "scan.pdf")
        )
    assert caught.value.status == 415
    assert objects.stored == {} and "attachments" not in records.appeal_doc


async def test_losing_the_race_for_the_last_place_removes_the_stored_object() -> None:
    use_cases, records, objects = cases(appeal())
    records.refuse_next_add = True
    with pytest.raises(Problem) as caught:
        await use_cases.upload_attachment(TENANT, AUTHOR, "a1", "appeal", receiver(files.pdf()))
    assert caught.value.status == 422
    assert objects.stored == {} and len(objects.deleted) == 1


async def test_download_links_never_outlive_fifteen_minutes() -> None:
    use_cases, _, _ = cases(appeal(attachments=[{"id": "f1", "key": "k", "filename": "a.pdf"}]))
    link = await use_cases.attachment_link(TENANT, OFFICIAL, "a1", "f1")
    assert link.url.endswith(f"ttl={int(MAX_LINK_TTL.total_seconds())}")
    assert link.expires_at == datetime(2026, 11, 23, 12, 15, tzinfo=UTC)


def test_limits_default_and_come_from_tenant_settings() -> None:
    assert AttachmentLimits.from_tenant_settings({}) == AttachmentLimits(10 * MIB, 5)
    tuned = {"appeal_attachment_max_mb": 0.5, "appeal_attachment_max_count": 0}
    assert AttachmentLimits.from_tenant_settings(tuned) == AttachmentLimits(MIB // 2, 0)
    broken = {"appeal_attachment_max_mb": "lots", "appeal_attachment_max_count": True}
    assert AttachmentLimits.from_tenant_settings(broken) == AttachmentLimits(10 * MIB, 5)
