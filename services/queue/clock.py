"""The current time as it will be stored: MongoDB keeps milliseconds, so a value read back
equals the one written (and events carry the same instant as the document)."""

from __future__ import annotations

from datetime import UTC, datetime


def stored_precision(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def utc_now() -> datetime:
    return stored_precision(datetime.now(UTC))
