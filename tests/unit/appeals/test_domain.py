"""Rules of the e-Reception, named after the articles of Law 393/96-ВР they encode."""

from datetime import UTC, datetime

import pytest

from services.appeals.domain import (
    AppealDraft,
    add_calendar_month,
    default_due_at,
    format_number,
    registration_year,
    validate_draft,
)

KYIV = "Europe/Kyiv"


def draft(**overrides: str) -> AppealDraft:
    values = {
        "kind": "statement",
        "subject": "Ремонт дороги",
        "text": "Прошу відремонтувати дорогу на вул. Головній.",
        "address": "м. Чернівці, вул. Головна, 1",
        "email": "olena@example.ua",
        "name": "Олена Коваль",
    }
    values.update(overrides)
    return AppealDraft(**values)


def test_art5_complete_appeal_has_no_errors() -> None:
    assert validate_draft(draft()) == []


@pytest.mark.parametrize("field", ["subject", "text", "address", "email"])
def test_art5_missing_required_field_is_named(field: str) -> None:
    errors = validate_draft(draft(**{field: "  "}))
    assert [e.field for e in errors] == [field]


def test_art5_invalid_email_is_named() -> None:
    errors = validate_draft(draft(email="not-an-email"))
    assert [e.field for e in errors] == ["email"]


def test_art8_appeal_without_author_name_is_refused() -> None:
    errors = validate_draft(draft(name=""))
    assert [e.field for e in errors] == ["name"]


def test_art3_kind_must_be_proposal_statement_or_complaint() -> None:
    errors = validate_draft(draft(kind="request"))
    assert [e.field for e in errors] == ["kind"]
    for kind in ("proposal", "statement", "complaint"):
        assert validate_draft(draft(kind=kind)) == []


def test_overlong_subject_is_refused() -> None:
    errors = validate_draft(draft(subject="x" * 301))
    assert [e.field for e in errors] == ["subject"]


def test_art20_due_is_one_calendar_month_after_receipt() -> None:
    received = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)  # 11:30 in Kyiv (EET)
    due = default_due_at(received, KYIV)
    # 10 April 11:30 Kyiv is summer time (EEST, UTC+3): 08:30 UTC, same local clock.
    assert due == datetime(2026, 4, 10, 8, 30, tzinfo=UTC)


def test_art20_month_end_clamps_to_last_day_of_next_month() -> None:
    assert add_calendar_month(datetime(2026, 1, 31, 12, 0)) == datetime(2026, 2, 28, 12, 0)
    assert add_calendar_month(datetime(2028, 1, 31, 12, 0)) == datetime(2028, 2, 29, 12, 0)
    assert add_calendar_month(datetime(2026, 12, 15, 8, 0)) == datetime(2027, 1, 15, 8, 0)


def test_art20_due_is_counted_in_the_council_zone() -> None:
    # 28 February 23:30 UTC is already 1 March 01:30 in Kyiv: due 1 April 01:30 Kyiv
    # (summer time, UTC+3), not 28 March as counting in UTC would give.
    received = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    due = default_due_at(received, KYIV)
    assert due == datetime(2026, 3, 31, 22, 30, tzinfo=UTC)


def test_registration_year_follows_the_council_zone() -> None:
    new_year_in_kyiv = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
    assert registration_year(new_year_in_kyiv, KYIV) == 2027


def test_number_is_prefix_year_sequence() -> None:
    assert format_number("chernivtsi", 2026, 17) == "CHERNIVTSI-2026-17"
    assert format_number("novi-sanzhary", 2026, 1) == "NOVISANZHARY-2026-1"
