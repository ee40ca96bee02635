"""Working days, the due-soon warning, Art. 17 late complaints, Art. 8 repeats, and the
filing rules added for contact, location and complaint dates (Art. 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chassis.calendar import is_working_day, working_days_before
from services.appeals.domain import AppealDraft, validate_draft
from services.appeals.domain.clock import is_due_soon, is_late_complaint
from services.appeals.domain.similarity import EarlierAppeal, find_likely_repeat, subject_tokens

KYIV = "Europe/Kyiv"


def draft(**overrides: object) -> AppealDraft:
    values: dict[str, object] = {
        "kind": "statement",
        "subject": "Ремонт дороги",
        "text": "Прошу відремонтувати.",
        "address": "м. Чернівці",
        "name": "Олена Коваль",
        "email": "olena@example.ua",
    }
    values.update(overrides)
    return AppealDraft(**values)  # type: ignore[arg-type]


def test_working_days_skip_weekends() -> None:
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    assert working_days_before(friday, 3) == date(2026, 3, 3)  # Tuesday
    assert working_days_before(monday, 3) == date(2026, 3, 4)  # Wednesday before
    assert not is_working_day(date(2026, 3, 7))


def test_working_days_skip_the_councils_holidays() -> None:
    monday = date(2026, 3, 9)
    assert working_days_before(monday, 3, [date(2026, 3, 5)]) == date(2026, 3, 3)


def test_due_soon_from_three_working_days_before_in_the_councils_zone() -> None:
    due = datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # Monday 09:00 in Kyiv
    wednesday_before = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)  # 08:00 Kyiv
    tuesday_before = datetime(2026, 3, 3, 21, 59, tzinfo=UTC)  # 23:59 Kyiv, still Tuesday
    assert is_due_soon(due, wednesday_before, KYIV)
    assert not is_due_soon(due, tuesday_before, KYIV)
    assert not is_due_soon(due, due + timedelta(seconds=1), KYIV)  # that is overdue


def test_art17_complaint_within_a_year_and_a_month_is_on_time() -> None:
    received = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert not is_late_complaint(received, KYIV, date(2025, 6, 1), date(2026, 3, 1))


def test_art17_complaint_more_than_a_year_after_the_decision_is_late() -> None:
    received = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert is_late_complaint(received, KYIV, date(2025, 3, 9), None)
    assert not is_late_complaint(received, KYIV, date(2025, 3, 10), None)


def test_art17_complaint_more_than_a_month_after_learning_is_late() -> None:
    received = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert is_late_complaint(received, KYIV, None, date(2026, 2, 9))
    assert not is_late_complaint(received, KYIV, None, date(2026, 2, 10))


def test_art17_dates_only_for_a_complaint_and_not_in_the_future() -> None:
    today = date(2026, 3, 10)
    errors = validate_draft(draft(decision_date=date(2026, 1, 1)), today)
    assert [e.field for e in errors] == ["decision_date"]
    future = validate_draft(draft(kind="complaint", learned_date=date(2026, 4, 1)), today)
    assert [e.field for e in future] == ["learned_date"]


def test_art5_email_or_phone_is_enough_but_one_is_required() -> None:
    assert validate_draft(draft(email="", phone="+380 50 123 45 67")) == []
    errors = validate_draft(draft(email="", phone=""))
    assert [e.field for e in errors] == ["email"]
    assert [e.field for e in validate_draft(draft(phone="call me"))] == ["phone"]


def test_location_ranges_are_validated() -> None:
    assert validate_draft(draft(location=(48.29, 25.93))) == []
    errors = validate_draft(draft(location=(91.0, -181.0)))
    assert [e.field for e in errors] == ["location.lat", "location.lon"]


def test_art8_similar_subject_of_the_same_citizen_within_12_months_is_flagged() -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    earlier = [
        EarlierAppeal("a1", "X-2026-1", frozenset(subject_tokens("Освітлення парку")), now),
        EarlierAppeal(
            "a2",
            "X-2025-9",
            frozenset(subject_tokens("Ремонт дороги на вул. Головній")),
            now - timedelta(days=30),
        ),
    ]
    repeat = find_likely_repeat("Ремонт дороги на вулиці Головній", now, earlier)
    assert repeat is not None and repeat.number == "X-2025-9"


def test_art8_old_or_different_appeals_are_not_flagged() -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    old = EarlierAppeal(
        "a3", "X-2024-1", frozenset(subject_tokens("Ремонт дороги")), now - timedelta(days=400)
    )
    other = EarlierAppeal("a4", "X-2026-2", frozenset(subject_tokens("Вивіз сміття")), now)
    assert find_likely_repeat("Ремонт дороги", now, [old, other]) is None
