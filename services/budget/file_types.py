"""Which files the budget accepts, decided by their first bytes, never by name or header
(the idea of services/appeals/attachment_types.py, reduced to what the budget takes):
project images and implementation photos are JPEG or PNG; eligibility proofs may also be PDF."""

from __future__ import annotations

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
IMAGES = (JPEG, PNG)
DOCUMENTS = (PDF, JPEG, PNG)
_ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG}
_UNINFORMATIVE = frozenset({"", "application/octet-stream", "binary/octet-stream"})


def sniff_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def judge_file(head: bytes, declared_type: str | None, allowed: tuple[str, ...]) -> str:
    """The file's real type, or ValueError saying why it is refused (a 415)."""
    detected = sniff_type(head)
    if detected not in allowed:
        names = ", ".join(t.split("/")[1].upper() for t in allowed)
        raise ValueError(f"Дозволено лише {names} / Only {names} files are accepted.")
    header = (declared_type or "").split(";")[0].strip().lower()
    if header not in _UNINFORMATIVE and _ALIASES.get(header, header) != detected:
        raise ValueError(f"The file is {detected}, but was sent as {header}.")
    return detected


def safe_filename(filename: str | None, limit: int = 200) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '"').strip()
    return cleaned[-limit:] or "file"
