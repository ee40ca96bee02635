"""Refuse text bodies carrying the NUL character (U+0000) at the edge, with 422.

Found by fuzzing: PostgreSQL, under FerretDB, cannot store U+0000 in text, so a title or an
appeal's text holding `\\u0000` made the service's insert fail with a 500 (appeals, petitions,
notify news, ...). No council text needs NUL. JSON bodies are checked for the `\\u0000` escape
(not a `\\\\u0000`, an escaped backslash followed by "u0000") and form bodies for `%00`, chunk by
chunk as the body streams to the service; a hit cuts the stream, so the service never stores
half a request. File uploads (multipart) are binary and not checked.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from chassis.problems import FieldError, Problem

# Enough of the previous chunk to see an escape split across two chunks, with its backslashes.
_TAIL = 64
_JSON_NUL = re.compile(rb"(\\+)u0000")
_FORM_NUL = b"%00"


class BodyHasNul(Exception):
    """Raised inside the request stream when a NUL is found."""


def checked_kind(content_type: str | None) -> str | None:
    """`json` or `form` for the bodies this guard reads, None for any other."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return "json"
    if media == "application/x-www-form-urlencoded":
        return "form"
    return None


def has_nul(data: bytes, kind: str) -> bool:
    if b"\x00" in data:
        return True
    if kind == "form":
        return _FORM_NUL in data
    # An odd run of backslashes escapes the `u`; an even one is escaped backslashes.
    return any(len(m.group(1)) % 2 == 1 for m in _JSON_NUL.finditer(data))


async def refusing_nul(chunks: AsyncIterator[bytes], kind: str) -> AsyncIterator[bytes]:
    tail = b""
    async for chunk in chunks:
        if has_nul(tail + chunk, kind):
            raise BodyHasNul
        tail = (tail + chunk)[-_TAIL:]
        yield chunk


def nul_problem() -> Problem:
    message = "must not contain the NUL character (U+0000)"
    return Problem(
        422,
        "Текст не може містити символ NUL / Text must not contain the NUL character.",
        errors=[FieldError("body", message)],
    )
