"""`slot_at` (booking's one slot) must agree with `slots_of_day` (the listed grid) for every
moment of the day: the same slot where one is listed, a 422 on `start` everywhere else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.queue.domain.catalogue import AdminService
from services.queue.domain.errors import Refused
from services.queue.domain.office import Interval, Office, Visit, Window
from services.queue.domain.slots import Closure, slot_at, slots_of_day
from tests.unit.queue.builders import FREE, NOW, PAID, office

KYIV = "Europe/Kyiv"
WEDNESDAY = date(2026, 3, 11)
SPRING_FORWARD = date(2026, 3, 29)  # Kyiv: 03:00 -> 04:00
AUTUMN_BACK = date(2026, 10, 25)  # Kyiv: 04:00 -> 03:00, the hour 03:00-04:00 twice
ALL_DAY = Interval("00:00", "24:00")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def round_the_clock(slot_minutes: int = 15) -> Office:
    return office(hours=dict.fromkeys(DAYS, ALL_DAY), breaks=[], slot_minutes=slot_minutes)


def van() -> Office:
    return Office(
        "van",
        "mobile",
        office().name,
        windows=[Window(1, [FREE.code, PAID.code])],
        visits=[Visit("v1", "с. Оноківці", WEDNESDAY, "09:00", "11:00", [FREE.code])],
    )


def every_five_minutes(day: date) -> list[datetime]:
    """Every 5-minute UTC moment covering the local day (both autumn 03:xx included)."""
    begin = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(KYIV)).astimezone(UTC)
    return [begin - timedelta(hours=2) + timedelta(minutes=5 * i) for i in range(12 * 30)]


def agree(
    where: Office,
    service: AdminService,
    day: date,
    now: datetime,
    holidays: Sequence[date] = (),
    closures: Sequence[Closure] = (),
) -> int:
    listed = {
        s.start: s
        for s in slots_of_day(
            where, service, day, KYIV, now=now, holidays=holidays, closures=closures
        )
    }
    for start in every_five_minutes(day):
        if start.astimezone(ZoneInfo(KYIV)).date() != day:
            continue
        if start in listed:
            found = slot_at(
                where, service, start, KYIV, now=now, holidays=holidays, closures=closures
            )
            assert found == listed[start]
        else:
            with pytest.raises(Refused) as refused:
                slot_at(where, service, start, KYIV, now=now, holidays=holidays, closures=closures)
            assert (refused.value.status, refused.value.field) == (422, "start")
    return len(listed)


BEFORE = NOW - timedelta(days=1)


def test_slot_at_agrees_with_the_day_grid_hours_break_and_longer_services() -> None:
    assert agree(office(windows=2), FREE, WEDNESDAY, BEFORE) == 32
    assert agree(office(), PAID, WEDNESDAY, BEFORE) > 0  # 20 min: two cells, the break
    assert agree(office(), FREE, date(2026, 3, 14), BEFORE) == 0  # a Saturday


def test_slot_at_agrees_on_holidays_closed_days_the_past_and_air_raid_closures() -> None:
    assert agree(office(), FREE, WEDNESDAY, BEFORE, holidays=[WEDNESDAY]) == 0
    assert agree(office(closed_days=[WEDNESDAY]), FREE, WEDNESDAY, BEFORE) == 0
    assert 0 < agree(office(), FREE, NOW.date(), NOW) < 32
    closure = Closure(
        datetime(2026, 3, 11, 7, 10, tzinfo=UTC), datetime(2026, 3, 11, 8, 0, tzinfo=UTC)
    )
    assert agree(office(), FREE, WEDNESDAY, BEFORE, closures=[closure]) == 32 - 4


def test_slot_at_agrees_for_a_mobile_visit_and_its_offered_services_only() -> None:
    assert agree(van(), FREE, WEDNESDAY, BEFORE) == 8
    assert agree(van(), PAID, WEDNESDAY, BEFORE) == 0


def test_slot_at_agrees_across_daylight_saving_changes_and_other_grids() -> None:
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    assert agree(round_the_clock(), FREE, SPRING_FORWARD, long_ago) > 0
    assert agree(round_the_clock(), FREE, AUTUMN_BACK, long_ago) > 0
    assert agree(round_the_clock(slot_minutes=10), PAID, WEDNESDAY, long_ago) > 0


def test_slot_at_refuses_a_start_off_the_minute() -> None:
    start = datetime(2026, 3, 11, 7, 0, 30, tzinfo=UTC)
    with pytest.raises(Refused):
        slot_at(office(), FREE, start, KYIV, now=BEFORE)
