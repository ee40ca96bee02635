"""Reading a multipart upload as it streams: hashed and counted on the way, cut at the limit."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import pytest

from chassis.problems import Problem
from services.appeals.attachment_upload import receive_upload
from tests import attachment_files as files

BOUNDARY = "hromada-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def body(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename:
            disposition += f'; filename="{filename}"'
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n".encode()
        out += b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_the_file_part_is_read_with_its_digest_head_and_zip_entries() -> None:
    data = files.docx()
    payload = body([("note", None, b"hello"), ("file", "заява.docx", data)])
    received = await receive_upload(chunks(payload), CONTENT_TYPE, max_bytes=10_000_000)
    assert received.size == len(data) and received.data.read() == data
    assert received.sha256 == hashlib.sha256(data).hexdigest()
    assert received.filename == "заява.docx" and received.head == data[:4096]
    assert "word/document.xml" in received.zip_entries


async def test_a_file_over_the_limit_is_413() -> None:
    payload = body([("file", "big.pdf", b"%PDF-" + b"0" * 5000)])
    with pytest.raises(Problem) as caught:
        await receive_upload(chunks(payload), CONTENT_TYPE, max_bytes=4096)
    assert caught.value.status == 413


async def test_a_body_without_the_file_field_is_422_naming_it() -> None:
    payload = body([("document", "a.pdf", files.pdf())])
    with pytest.raises(Problem) as caught:
        await receive_upload(chunks(payload), CONTENT_TYPE, max_bytes=10_000)
    assert caught.value.status == 422 and caught.value.errors[0].field == "file"


async def test_not_multipart_is_415_and_a_cut_body_is_400() -> None:
    with pytest.raises(Problem) as caught:
        await receive_upload(chunks(b"{}"), "application/json", max_bytes=10_000)
    assert caught.value.status == 415
    cut = body([("file", "a.pdf", files.pdf())])[:-30]
    with pytest.raises(Problem) as caught:
        await receive_upload(chunks(cut), CONTENT_TYPE, max_bytes=10_000)
    assert caught.value.status == 400
