"""An attachment's type is what its bytes are: each allowed type is recognised by its magic,
and a file whose name or header claims another type is a forgery (415)."""

from __future__ import annotations

import pytest

from services.appeals.attachment_types import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    content_disposition,
    judge_file,
    safe_filename,
    sniff_type,
)
from tests import attachment_files as files


def verdict(data: bytes, filename: str | None = None, declared: str | None = None) -> str | None:
    entries = files.zip_entries(data) if data.startswith(b"PK") else []
    return judge_file(data[:4096], entries, filename, declared).content_type


@pytest.mark.parametrize(
    ("data", "filename", "declared", "expected"),
    [
        (files.pdf(), "скарга.pdf", "application/pdf", PDF),
        (files.jpeg(), "photo.JPG", "image/jpeg", JPEG),
        (files.jpeg(), "photo.jpeg", "image/jpg", JPEG),
        (files.png(), "map.png", "image/png", PNG),
        (files.docx(), "заява.docx", DOCX, DOCX),
        (files.odt(), "заява.odt", ODT, ODT),
        (files.pdf(), None, None, PDF),
        (files.png(), "scan", "application/octet-stream", PNG),
    ],
)
def test_each_allowed_type_is_recognised_by_its_bytes(
    data: bytes, filename: str | None, declared: str | None, expected: str
) -> None:
    assert verdict(data, filename, declared) == expected


def test_a_png_renamed_pdf_is_refused() -> None:
    result = judge_file(files.png(), [], "evidence.pdf", "application/octet-stream")
    assert result.content_type is None and "named *.pdf" in result.reason


def test_a_png_sent_with_a_pdf_header_is_refused() -> None:
    result = judge_file(files.png(), [], "evidence.png", "application/pdf")
    assert result.content_type is None and "sent as application/pdf" in result.reason


def test_text_with_a_pdf_content_type_and_name_is_refused() -> None:
    result = judge_file(b"Hello, I am plain text\n", [], "letter.pdf", "application/pdf")
    assert result.content_type is None and "not a PDF" in result.reason


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"MZ\x90\x00",  # a Windows executable
        b"GIF89a",  # an image type the council does not take
        b"<html><script>alert(1)</script>",
        b"%PD",  # a truncated magic
    ],
)
def test_unknown_bytes_are_not_an_allowed_type(data: bytes) -> None:
    assert sniff_type(data) is None


def test_a_zip_that_is_neither_docx_nor_odt_is_refused() -> None:
    data = files.plain_zip()
    assert sniff_type(data, files.zip_entries(data)) is None


def test_docx_needs_both_content_types_and_the_word_folder() -> None:
    assert sniff_type(files.docx(), ["[Content_Types].xml", "xl/workbook.xml"]) is None
    assert sniff_type(files.docx(), ["word/document.xml"]) is None


def test_odt_is_told_by_its_first_stored_mimetype_entry() -> None:
    assert sniff_type(files.odt()) == ODT  # no entry list needed: it is in the first bytes


def test_file_names_lose_paths_and_quotes() -> None:
    assert safe_filename('../../etc/"passwd".pdf') == "passwd.pdf"
    assert safe_filename("C:\\Users\\olena\\скан.png") == "скан.png"
    assert safe_filename(None) == "attachment"


def test_content_disposition_keeps_ukrainian_names_in_utf8_form() -> None:
    header = content_disposition("скарга.pdf")
    header.encode("latin-1")  # a header must be latin-1: the real name goes in filename*
    assert "filename*=UTF-8''%D1%81%D0%BA%D0%B0%D1%80%D0%B3%D0%B0.pdf" in header
