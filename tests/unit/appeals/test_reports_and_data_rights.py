"""Appeal figures (Art. 20 on-time answers), the open-data dataset (counts only, nothing
personal) and the export/retention rules of the appeals service, as pure functions."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from services.appeals.data_rights import (
    APPEAL_RETENTION_YEARS,
    appeal_export,
    idempotency_prefix,
    retained_until,
)
from services.appeals.open_data import COLUMNS, appeals_by_month, to_csv
from services.appeals.stats import summarise_appeals, tenant_list

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def appeal(status: str, due_in_days: int, answered_days_before_due: int | None = None) -> dict:
    due = NOW + due_in_days * DAY
    doc: dict = {"status": status, "due_at": due}
    if answered_days_before_due is not None:
        doc["answered_at"] = due - answered_days_before_due * DAY
    return doc


def test_answered_on_time_counts_answers_no_later_than_due_art20() -> None:
    stats = summarise_appeals(
        [
            appeal("answered", -10, answered_days_before_due=2),  # on time
            appeal("closed", -10, answered_days_before_due=0),  # on the due date: on time
            appeal("answered", -10, answered_days_before_due=-3),  # late
            appeal("registered", 5),  # open, not yet due
        ],
        NOW,
    )
    assert (stats.received, stats.answered, stats.answered_on_time) == (4, 3, 2)
    assert stats.answered_on_time_pct == 66.7
    assert (stats.overdue, stats.open) == (0, 1)


def test_open_appeal_past_its_due_date_is_overdue_art20() -> None:
    stats = summarise_appeals([appeal("assigned", -1), appeal("registered", 1)], NOW)
    assert stats.overdue == 1 and stats.open == 2


def test_forwarded_or_returned_appeals_are_never_overdue_art7() -> None:
    stats = summarise_appeals([appeal("forwarded", -20), appeal("returned", -20)], NOW)
    assert (stats.overdue, stats.open, stats.answered) == (0, 0, 0)


def test_reopened_complaint_is_open_again_despite_its_old_answer() -> None:
    stats = summarise_appeals([appeal("reopened", -1, answered_days_before_due=5)], NOW)
    assert (stats.answered, stats.open, stats.overdue) == (0, 1, 1)


def test_no_answers_yet_means_no_percentage() -> None:
    stats = summarise_appeals([], NOW)
    assert stats.received == 0 and stats.answered_on_time_pct is None


def test_appeals_by_month_counts_in_the_councils_zone() -> None:
    # 31 May 22:30 UTC is already 1 June in Kyiv (UTC+3 in summer).
    rows = appeals_by_month(
        [
            {"received_at": datetime(2026, 5, 31, 22, 30, tzinfo=UTC), "kind": "statement"},
            {
                "received_at": datetime(2026, 6, 2, tzinfo=UTC),
                "kind": "statement",
                "status": "answered",
            },
            {
                "received_at": datetime(2026, 5, 10, tzinfo=UTC),
                "kind": "complaint",
                "category": "roads",
            },
        ],
        "Europe/Kyiv",
    )
    assert rows == [
        {
            "month": "2026-05",
            "kind": "complaint",
            "category": "roads",
            "received": 1,
            "answered": 0,
        },
        {
            "month": "2026-06",
            "kind": "statement",
            "category": "uncategorised",
            "received": 2,
            "answered": 1,
        },
    ]


def test_open_data_csv_has_only_the_count_columns_even_if_more_is_passed() -> None:
    row = {"month": "2026-06", "kind": "proposal", "category": "x", "received": 1, "answered": 0}
    leaky = [{**row, "citizen_name": "Олена Коваль", "email": "o@example.ua"}]
    text = to_csv(leaky)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert tuple(parsed[0]) == COLUMNS
    assert "Олена" not in text and "@" not in text


def test_appeal_is_retained_five_years_from_receipt_law_393_archival() -> None:
    received = datetime(2024, 2, 29, 10, tzinfo=UTC)
    assert APPEAL_RETENTION_YEARS == 5
    assert retained_until(received) == datetime(2029, 2, 28, 10, tzinfo=UTC)
    assert retained_until(NOW) == NOW.replace(year=2031)


def test_export_keeps_every_citizen_field_but_not_the_outbox_or_staff_audit() -> None:
    doc = {
        "_id": "a1",
        "tenant": "alpha",
        "citizen_name": "Олена",
        "new_field_from_a_later_issue": {"x": 1},
        "received_at": NOW,
        "outbox": [{"event": "..."}],
        "outbox_pending": False,
        "version": 3,
        "audit": [{"actor": "official-7"}],
    }
    view = appeal_export(doc)
    assert view["id"] == "a1" and view["citizen_name"] == "Олена"
    assert view["new_field_from_a_later_issue"] == {"x": 1}
    assert view["retained_until"] == retained_until(NOW)
    assert not {"outbox", "outbox_pending", "version", "audit", "_id"} & set(view)


def test_idempotency_records_are_found_by_council_and_caller() -> None:
    assert idempotency_prefix("alpha", "c-1") == "alpha:c-1:"


def test_the_all_councils_query_takes_each_council_once() -> None:
    assert tenant_list("a,b,,a,c") == ["a", "b", "c"]
