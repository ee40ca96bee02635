"""Statutory time: the terms of Art. 20, the windows of Art. 7 and Art. 17, and working days.

Deadlines are counted on the council's wall clock (its zone), then stored in UTC.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from chassis.calendar import working_days_before

SIMPLE_TERM_DAYS = 15  # Art. 20: no additional study needed
MAX_TERM_DAYS = 45  # Art. 20: the term with every extension
ROUTING_WINDOW_DAYS = 5  # Art. 7: forward or return within five days of receipt
DUE_SOON_WORKING_DAYS = 3


def stored_precision(moment: datetime) -> datetime:
    """MongoDB keeps milliseconds; answering with what will be read back keeps replies equal."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def add_calendar_month(moment: datetime) -> datetime:
    """The same wall-clock time one calendar month later, clamped to the month's last day
    (31 January -> 28/29 February), as "one month from receipt" is read in practice."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _in_zone(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def _to_utc(local: datetime, timezone: str) -> datetime:
    # Re-attach the zone so a DST change in between keeps the local wall-clock time.
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def default_due_at(received_at: datetime, timezone: str) -> datetime:
    """Art. 20: an appeal is considered within one month of receipt, counted in the
    council's own zone; stored in UTC."""
    return _to_utc(add_calendar_month(_in_zone(received_at, timezone)), timezone)


def add_days(moment: datetime, days: int, timezone: str) -> datetime:
    """`days` calendar days later on the council's wall clock."""
    return _to_utc(_in_zone(moment, timezone) + timedelta(days=days), timezone)


def simple_due_at(term_start: datetime, timezone: str) -> datetime:
    """Art. 20: an appeal needing no additional study is answered within 15 days."""
    return add_days(term_start, SIMPLE_TERM_DAYS, timezone)


def latest_due_at(term_start: datetime, timezone: str) -> datetime:
    """Art. 20: with every extension, never more than 45 days."""
    return add_days(term_start, MAX_TERM_DAYS, timezone)


def within_routing_window(received_at: datetime, now: datetime, timezone: str) -> bool:
    """Art. 7: forwarding to the competent body, or returning for missing data, happens no
    later than five days after receipt."""
    return now <= add_days(received_at, ROUTING_WINDOW_DAYS, timezone)


def is_late_complaint(
    received_at: datetime, timezone: str, decision: date | None, learned: date | None
) -> bool:
    """Art. 17: a complaint is filed within one year of the decision and no later than one
    month after the citizen learned of it. Late ones are flagged for the official, not refused."""
    filed = _in_zone(received_at, timezone).date()
    if decision is not None:
        try:
            year_after = decision.replace(year=decision.year + 1)
        except ValueError:  # 29 February
            year_after = decision.replace(year=decision.year + 1, day=28)
        if filed > year_after:
            return True
    if learned is not None:
        month_after = add_calendar_month(datetime.combine(learned, datetime.min.time())).date()
        if filed > month_after:
            return True
    return False


def is_due_soon(
    due_at: datetime,
    now: datetime,
    timezone: str,
    holidays: Iterable[date] = (),
    working_days: int = DUE_SOON_WORKING_DAYS,
) -> bool:
    """From the start of the day `working_days` working days before the due date (local)."""
    due_local = _in_zone(due_at, timezone).date()
    warn_from = working_days_before(due_local, working_days, holidays)
    return _in_zone(now, timezone).date() >= warn_from and now < due_at
