"""Which staff lists walk due days, and where a walk starts and stops (listing.plan_day_walk)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.appeals.listing import (
    DayWalk,
    ListFilters,
    due_day,
    encode_cursor,
    plan_day_walk,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_due_day_is_whole_utc_days_since_the_epoch() -> None:
    assert due_day(datetime(1970, 1, 2, 0, 0, tzinfo=UTC)) == 1
    assert due_day(datetime(2026, 11, 23, 23, 59, tzinfo=UTC)) == due_day(NOW)
    assert due_day(NOW + timedelta(days=1)) == due_day(NOW) + 1
    assert due_day(datetime(2026, 11, 23, 1, 0)) == due_day(NOW)  # naive is read as UTC


def test_a_broad_list_walks_priority_first_from_the_earliest_day() -> None:
    assert plan_day_walk(ListFilters(status="assigned"), NOW, None) == DayWalk(
        (True, False), None, None
    )


def test_selective_lists_read_their_matches_directly() -> None:
    for filters in (ListFilters(citizen_sub="c1"), ListFilters(assignee="o1")):
        assert plan_day_walk(filters, NOW, None) is None
    assert plan_day_walk(ListFilters(text="дорога"), NOW, None) is not None


def test_overdue_stops_at_today_and_a_priority_filter_keeps_one_segment() -> None:
    walk = plan_day_walk(ListFilters(overdue=True, priority=False), NOW, None)
    assert walk == DayWalk((False,), None, due_day(NOW))


def test_a_cursor_resumes_at_its_own_day_and_priority() -> None:
    due = NOW + timedelta(days=3)
    in_priority = encode_cursor({"priority": True, "due_at": due, "_id": "a"})
    in_rest = encode_cursor({"priority": False, "due_at": due, "_id": "a"})

    assert plan_day_walk(ListFilters(), NOW, in_priority) == DayWalk(
        (True, False), due_day(due), None
    )
    assert plan_day_walk(ListFilters(), NOW, in_rest) == DayWalk((False,), due_day(due), None)
