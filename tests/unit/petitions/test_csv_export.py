"""CSV exports keep user-typed text as text in a spreadsheet."""

from __future__ import annotations

from datetime import UTC, datetime

from services.petitions.csv_export import safe_cell, to_csv


def test_cells_that_a_spreadsheet_would_run_are_quoted() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+380501234567") == "'+380501234567"
    assert safe_cell("Олена Коваль") == "Олена Коваль"
    assert safe_cell(None) == ""


def test_rows_become_csv_with_a_header_and_iso_times() -> None:
    at = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    text = to_csv([{"name": "@bad", "signed_at": at, "extra": 1}], ("signed_at", "name"))
    assert text == "signed_at,name\n2026-03-06T12:00:00+00:00,'@bad\n"
