"""Which files an appeal may carry, decided by their first bytes, never by name or header.

Pure rules, no I/O: the caller hands over the file's first bytes and, for a ZIP container,
the names of its entries (DOCX and ODT are both ZIP files; only their contents tell them apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

ALLOWED_TYPES: tuple[str, ...] = (PDF, JPEG, PNG, DOCX, ODT)
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    DOCX: (".docx",),
    ODT: (".odt",),
}
# Names clients use for the same type; a header naming something else is a mismatch.
_HEADER_ALIASES: dict[str, str] = {"image/jpg": JPEG, "image/pjpeg": JPEG}
# Headers that say nothing about the type (a browser that does not know, or curl's default).
_UNINFORMATIVE_HEADERS = frozenset({"", "application/octet-stream", "binary/octet-stream"})

ZIP_MAGIC = b"PK\x03\x04"
# An ODF package stores `mimetype` first, uncompressed, without an extra field (ODF 1.2 §3.3),
# so the type string sits right after the 30-byte local header and the 8-byte name.
_ODF_MIMETYPE_AT = 30
HEAD_BYTES = 4096


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def sniff_type(head: bytes, zip_entries: Sequence[str] = ()) -> str | None:
    """The allowed type the bytes really are, or None for anything else."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if is_zip(head):
        name_end = _ODF_MIMETYPE_AT + len(b"mimetype")
        if head[_ODF_MIMETYPE_AT:name_end] == b"mimetype" and head[name_end:].startswith(
            ODT.encode()
        ):
            return ODT
        if "[Content_Types].xml" in zip_entries and any(n.startswith("word/") for n in zip_entries):
            return DOCX
    return None


@dataclass(frozen=True)
class TypeVerdict:
    """The detected type, or why the file is refused (HTTP 415)."""

    content_type: str | None
    reason: str = ""


def judge_file(
    head: bytes,
    zip_entries: Sequence[str],
    filename: str | None,
    declared_type: str | None,
) -> TypeVerdict:
    """Accept only an allowed type, and only if the name and header (when they say anything)
    agree with the bytes: a PNG named `.pdf` or text sent as `application/pdf` is a forgery."""
    detected = sniff_type(head, zip_entries)
    if detected is None:
        return TypeVerdict(None, "the file is not a PDF, JPEG, PNG, DOCX or ODT document")
    header = (declared_type or "").split(";")[0].strip().lower()
    if header not in _UNINFORMATIVE_HEADERS and _HEADER_ALIASES.get(header, header) != detected:
        return TypeVerdict(None, f"the file is {detected}, but was sent as {header}")
    extension = _extension(filename)
    if extension and extension not in EXTENSIONS[detected]:
        return TypeVerdict(None, f"the file is {detected}, but is named *{extension}")
    return TypeVerdict(detected)


def _extension(filename: str | None) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." not in name.strip("."):
        return ""
    return "." + name.rsplit(".", 1)[-1].lower()


def safe_filename(filename: str | None, limit: int = 200) -> str:
    """The client's file name without any path or control characters, for Content-Disposition."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '"').strip()
    return cleaned[-limit:] or "attachment"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real (often Ukrainian) one per RFC 6266."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
