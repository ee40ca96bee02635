"""Reads a `multipart/form-data` upload as it streams in: the `file` part goes to a spooled
temporary file (in memory up to 1 MiB, on disk beyond), hashed and counted on the way, and
the read stops with 413 as soon as the council's size limit is passed."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections.abc import AsyncIterator
from typing import BinaryIO, cast

from multipart import (  # type: ignore[import-untyped]  # Litestar's own multipart parser
    MultipartSegment,
    ParserError,
    ParserLimitReached,
    PushMultipartParser,
    parse_options_header,
)

from chassis.problems import FieldError, Problem
from services.appeals.attachment_types import HEAD_BYTES, is_zip
from services.appeals.attachments import ReceivedFile

FIELD = "file"
SPOOL_BYTES = 1024 * 1024
# Form fields other than the file are ignored but must stay small.
MAX_OTHER_PART_BYTES = 64 * 1024
# After a 413 the rest of the body is read and dropped (up to this much) so the client, or the
# gateway streaming to us, sees the answer instead of a connection reset mid-upload.
DRAIN_BYTES = 64 * 1024 * 1024


def boundary_of(content_type: str | None) -> str:
    media_type, options = parse_options_header(content_type or "")
    if media_type != "multipart/form-data" or not options.get("boundary"):
        raise Problem(
            415,
            "The upload must be multipart/form-data with the file in the field 'file'.",
        )
    return str(options["boundary"])


def _missing_file() -> Problem:
    return Problem(
        422, "file: is required", errors=[FieldError(FIELD, "is required (one file per request)")]
    )


async def _drain(stream: AsyncIterator[bytes]) -> None:
    dropped = 0
    async for chunk in stream:
        dropped += len(chunk)
        if dropped > DRAIN_BYTES:
            return


async def receive_upload(
    stream: AsyncIterator[bytes], content_type: str | None, max_bytes: int
) -> ReceivedFile:
    """The single `file` part of the body, or a problem: 413 too large, 422 missing, 400 broken."""
    # Closed by whoever consumes the ReceivedFile (the upload use case, once stored).
    spool = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES))  # noqa: SIM115
    try:
        received = await _read_file_part(stream, boundary_of(content_type), max_bytes, spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    if is_zip(received.head):
        received.zip_entries = _zip_entries(spool)
    spool.seek(0)
    return received


async def _read_file_part(
    stream: AsyncIterator[bytes], boundary: str, max_bytes: int, spool: BinaryIO
) -> ReceivedFile:
    digest = hashlib.sha256()
    head = bytearray()
    size = 0
    found: MultipartSegment | None = None
    current: MultipartSegment | None = None
    try:
        with PushMultipartParser(boundary, max_segment_count=16) as parser:
            async for chunk in stream:
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        current = event
                        if current.name == FIELD and found is not None:
                            raise _missing_file()  # a second file in one request
                        if current.name == FIELD:
                            found = current
                    elif event and current is found and found is not None:
                        size += len(event)
                        if size > max_bytes:
                            raise _TooLarge
                        digest.update(event)
                        if len(head) < HEAD_BYTES:
                            head += event[: HEAD_BYTES - len(head)]
                        spool.write(event)
                    elif (
                        event
                        and current is not None
                        and current.bytes_received > (MAX_OTHER_PART_BYTES)
                    ):
                        raise Problem(400, f"The form field '{current.name}' is too large.")
                if parser.closed:
                    break
            if not parser.closed:
                list(parser.parse(b""))  # end of input: raises if the body was cut short
    except _TooLarge:
        await _drain(stream)
        raise Problem(413, f"file: must not exceed {max_bytes / (1024 * 1024):g} MB") from None
    except (ParserError, ParserLimitReached) as exc:
        raise Problem(400, "The multipart/form-data body is malformed.") from exc
    if found is None:
        raise _missing_file()
    return ReceivedFile(
        data=spool,
        size=size,
        sha256=digest.hexdigest(),
        head=bytes(head),
        filename=found.filename,
        declared_type=found.content_type,
    )


class _TooLarge(Exception):
    pass


def _zip_entries(data: BinaryIO) -> list[str]:
    """Entry names from the ZIP's central directory; a broken archive has none."""
    try:
        with zipfile.ZipFile(data) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
