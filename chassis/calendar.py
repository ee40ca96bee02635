"""Working days on a council's calendar: Monday to Friday minus the council's holidays.

Terms counted in working days ("moderated within 2 working days", "considered within 10
working days") run on the council's wall clock (its zone) and are stored in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def is_working_day(day: date, holidays: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in set(holidays)


def working_days_before(day: date, count: int, holidays: Iterable[date] = ()) -> date:
    """The date `count` working days before `day`."""
    off = set(holidays)
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current, off):
            remaining -= 1
    return current


def add_working_days(
    moment: datetime, count: int, timezone: str, holidays: Iterable[date] = ()
) -> datetime:
    """The end (24:00 local) of the `count`-th working day after `moment`'s local day, in UTC.

    "Within 2 working days" of a Friday-evening filing ends with Tuesday: the filing day itself
    does not count, and the whole of the last day is still in time.
    """
    zone = ZoneInfo(timezone)
    off = set(holidays)
    current = moment.astimezone(zone).date()
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, off):
            remaining -= 1
    end_local = datetime.combine(current + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return end_local.astimezone(UTC)
