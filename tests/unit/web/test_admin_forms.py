"""The administrators' form builders: a budget cycle from its form and the dashboard's rows."""

from __future__ import annotations

from web.admin_forms import cycle_body, dashboard_rows

FORM = {
    "title": "Бюджет 2027",
    "year": "2027",
    "date_submission": "2027-01-10",
    "date_support": "2027-02-01",
    "date_review": "2027-03-01",
    "date_voting": "2027-04-01",
    "date_results": "2027-05-01",
    "date_implementation": "2027-06-01",
    "date_end": "2027-12-31",
    "cat0_code": "small",
    "cat0_title": "Малі",
    "cat0_funds": "100000",
    "cat0_max": "50000",
    "cat1_code": "",
    "votes_per_voter": "3",
}


def test_each_phase_runs_from_its_start_to_the_next_phases_start_at_kyiv_midnight() -> None:
    phases = cycle_body(FORM)["phases"]

    assert phases["submission"] == ["2027-01-10T00:00:00+02:00", "2027-02-01T00:00:00+02:00"]
    assert phases["results"] == ["2027-05-01T00:00:00+03:00", "2027-06-01T00:00:00+03:00"]
    assert phases["implementation"][1] == "2027-12-31T00:00:00+02:00"


def test_blank_category_rows_are_left_out_and_numbers_are_numbers() -> None:
    body = cycle_body(FORM)

    assert body["categories"] == [
        {"code": "small", "title": "Малі", "funds": 100000, "max_project_cost": 50000}
    ]
    assert body["year"] == 2027 and body["rules"] == {"votes_per_voter": 3}


def test_what_does_not_parse_goes_as_typed_for_the_api_to_name() -> None:
    body = cycle_body({**FORM, "date_voting": "soon", "cat0_max": "a lot"})

    assert body["phases"]["voting"][0] == "soon" and body["phases"]["review"][1] == "soon"
    assert body["categories"][0]["max_project_cost"] == "a lot"


def test_dashboard_rows_largest_first_money_in_hryvnias_missing_left_out() -> None:
    dashboard = {
        "tenants": [
            {"slug": "a", "services": {"payments": {"paid_amount": 34500}}},
            {"slug": "b", "services": {"payments": {"paid_amount": 100000}}},
            {"slug": "c", "services": {"payments": None}},
            {"slug": "d", "services": {"payments": {"paid_amount": 0}}},
        ]
    }

    rows = dashboard_rows(dashboard, "payments", "paid_amount", {"b": "Ужгород"})

    assert rows == [("Ужгород", 1000.0), ("a", 345.0)]
