"""Small page helpers: problems to field errors, money, Kyiv time, safe redirects."""

from __future__ import annotations

from web.auth_pages import safe_next
from web.gateway_api import problem_of
from web.pages import money, when


def test_a_problem_becomes_field_errors_keyed_by_the_last_path_part() -> None:
    error = problem_of(
        422,
        {
            "detail": "subject: is required",
            "errors": [
                {"field": "subject", "message": "is required"},
                {"field": "location.lat", "message": "out of range"},
                {"field": "subject", "message": "too short"},
            ],
        },
    )

    assert error.status == 422 and error.detail == "subject: is required"
    assert error.field_errors == {"subject": "is required; too short", "lat": "out of range"}


def test_a_body_that_is_no_problem_still_gives_an_error() -> None:
    assert problem_of(502, "<html>").detail == "HTTP 502"


def test_kopiyky_are_shown_as_hryvnias() -> None:
    assert money(34500) == "345.00 грн"
    assert money(5) == "0.05 грн"
    assert money(None) == ""


def test_times_are_shown_on_the_kyiv_wall_clock() -> None:
    assert when("2026-11-23T19:17:53.688Z") == "23.11.2026 21:17"
    assert when("2026-07-01T10:00:00Z", with_time=False) == "01.07.2026"
    assert when(None) == ""


def test_only_our_own_pages_are_redirect_targets() -> None:
    assert safe_next("/app/chernivtsi/appeals") == "/app/chernivtsi/appeals"
    assert safe_next("https://evil.example/") == "/app/"
    assert safe_next("//evil.example/app/") == "/app/"
    assert safe_next("/app/\\evil") == "/app/"
    assert safe_next(None, "/app/x/") == "/app/x/"
