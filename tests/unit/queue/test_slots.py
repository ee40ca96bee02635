"""The slot grid: opening hours, breaks, holidays, mobile visits, alerts and the horizon."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.queue.domain.catalogue import AdminService, Name
from services.queue.domain.errors import Refused
from services.queue.domain.office import Interval, Office, Visit, Window
from services.queue.domain.slots import (
    Closure,
    check_horizon,
    free_windows,
    month_key,
    slots_of_day,
)
from tests.unit.queue.builders import FREE, NOW, PAID, office

KYIV = "Europe/Kyiv"
DAY = date(2026, 3, 11)  # a Wednesday
BEFORE = NOW - timedelta(days=1)


def test_a_day_is_cut_into_cells_from_opening_to_closing_minus_the_break() -> None:
    slots = slots_of_day(office(windows=2), FREE, DAY, KYIV, now=BEFORE)
    assert slots[0].start == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)  # 08:00 in Kyiv
    assert slots[-1].end == datetime(2026, 3, 11, 15, 0, tzinfo=UTC)  # 17:00 in Kyiv
    assert len(slots) == 8 * 4  # 9 hours minus the 1-hour break, four a hour
    assert all(s.windows == (1, 2) for s in slots)
    lunch = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv
    assert lunch not in {s.start for s in slots}


def test_a_longer_service_takes_consecutive_cells_and_never_runs_past_closing() -> None:
    slots = slots_of_day(office(), PAID, DAY, KYIV, now=BEFORE)  # 20 min on a 15 min grid
    assert all(len(s.cells) == 2 and s.end - s.start == timedelta(minutes=30) for s in slots)
    assert slots[-1].end <= datetime(2026, 3, 11, 15, 0, tzinfo=UTC)
    assert not any(s.start < datetime(2026, 3, 11, 11, 0, tzinfo=UTC) < s.end for s in slots)


def test_no_slots_on_a_council_holiday_a_closed_day_or_a_weekend() -> None:
    assert slots_of_day(office(), FREE, DAY, KYIV, now=BEFORE, holidays=[DAY]) == []
    assert slots_of_day(office(closed_days=[DAY]), FREE, DAY, KYIV, now=BEFORE) == []
    assert slots_of_day(office(), FREE, date(2026, 3, 14), KYIV, now=BEFORE) == []


def test_slots_that_already_began_are_not_offered() -> None:
    slots = slots_of_day(office(), FREE, NOW.date(), KYIV, now=NOW)
    assert slots and all(s.start > NOW for s in slots)


def test_an_air_raid_closure_removes_every_slot_it_touches() -> None:
    closure = Closure(
        datetime(2026, 3, 11, 7, 10, tzinfo=UTC), datetime(2026, 3, 11, 8, 0, tzinfo=UTC)
    )
    starts = {
        s.start for s in slots_of_day(office(), FREE, DAY, KYIV, now=BEFORE, closures=[closure])
    }
    assert datetime(2026, 3, 11, 7, 0, tzinfo=UTC) not in starts  # 07:00-07:15 overlaps
    assert datetime(2026, 3, 11, 7, 45, tzinfo=UTC) not in starts
    assert datetime(2026, 3, 11, 6, 45, tzinfo=UTC) in starts
    assert datetime(2026, 3, 11, 8, 0, tzinfo=UTC) in starts


def test_a_mobile_asc_receives_only_on_its_visit_days_and_only_the_services_offered() -> None:
    van = Office(
        "van",
        "mobile",
        Name("Мобільний ЦНАП"),
        windows=[Window(1, [FREE.code, PAID.code])],
        visits=[Visit("v1", "с. Оноківці", DAY, "09:00", "11:00", [FREE.code])],
    )
    assert len(slots_of_day(van, FREE, DAY, KYIV, now=BEFORE)) == 8
    assert slots_of_day(van, PAID, DAY, KYIV, now=BEFORE) == []
    assert slots_of_day(van, FREE, DAY + timedelta(days=1), KYIV, now=BEFORE) == []


def test_capacity_is_the_windows_whose_every_cell_is_free() -> None:
    slot = slots_of_day(office(windows=3), PAID, DAY, KYIV, now=BEFORE)[0]
    taken = {(slot.cells[1], 1), (slot.cells[0], 3)}
    assert free_windows(slot, taken) == [2]


def test_booking_opens_21_days_ahead_MVS_practice_and_never_in_the_past() -> None:
    check_horizon(NOW + timedelta(days=21), NOW, 21, KYIV)
    with pytest.raises(Refused) as too_far:
        check_horizon(NOW + timedelta(days=22), NOW, 21, KYIV)
    assert too_far.value.status == 422 and too_far.value.field == "start"
    with pytest.raises(Refused):
        check_horizon(NOW - timedelta(minutes=1), NOW, 21, KYIV)


def test_the_monthly_limit_counts_by_the_visits_local_month() -> None:
    # 23:30 UTC on 31 March is already 1 April in Kyiv (UTC+3 in summer time).
    assert month_key(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), KYIV) == "2026-04"


def test_the_break_applies_to_services_that_would_straddle_it() -> None:
    long = AdminService("long", Name("Довга"), 45, 10)
    o = Office(
        "o",
        "stationary",
        Name("ЦНАП"),
        windows=[Window(1, ["long"])],
        hours={"wed": Interval("11:00", "14:00")},
        breaks=[Interval("12:00", "13:00")],
    )
    starts = [
        s.start.astimezone(UTC).strftime("%H:%M")
        for s in slots_of_day(o, long, DAY, KYIV, now=BEFORE)
    ]
    assert starts == ["09:00", "09:15", "11:00", "11:15"]  # 11:00-11:45 and 13:00-13:45 local
