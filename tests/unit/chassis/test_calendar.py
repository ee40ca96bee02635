"""Working-day terms on a council's calendar."""

from datetime import UTC, date, datetime

from chassis.calendar import add_working_days, is_working_day, working_days_before

KYIV = "Europe/Kyiv"


def test_weekends_and_council_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 3, 13))  # Friday
    assert not is_working_day(date(2026, 3, 14))  # Saturday
    assert not is_working_day(date(2026, 3, 12), holidays=[date(2026, 3, 12)])


def test_two_working_days_from_a_friday_evening_end_with_tuesday_in_kyiv() -> None:
    friday_evening = datetime(2026, 3, 13, 19, 0, tzinfo=UTC)  # 21:00 in Kyiv
    due = add_working_days(friday_evening, 2, KYIV)
    assert due == datetime(2026, 3, 17, 22, 0, tzinfo=UTC)  # Wednesday 00:00 Kyiv (EET)


def test_a_holiday_pushes_the_term_one_working_day_further() -> None:
    monday = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    plain = add_working_days(monday, 10, KYIV)
    with_holiday = add_working_days(monday, 10, KYIV, holidays=[date(2026, 3, 18)])
    assert (with_holiday - plain).days == 1


def test_the_local_day_counts_not_the_utc_one() -> None:
    # 23:30 UTC on Sunday is already Monday 01:30 in Kyiv: Monday is the filing day.
    late_sunday_utc = datetime(2026, 3, 15, 23, 30, tzinfo=UTC)
    assert add_working_days(late_sunday_utc, 1, KYIV) == datetime(2026, 3, 17, 22, 0, tzinfo=UTC)


def test_working_days_before_skips_the_weekend() -> None:
    assert working_days_before(date(2026, 3, 16), 1) == date(2026, 3, 13)
