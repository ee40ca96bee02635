"""Tenant settings and the onboarding rules, pure: defaults, bounds, unknown keys, merging,
and what makes a slug, time zone, locale and name valid (all 422s name the field)."""

from __future__ import annotations

from typing import Any

import pytest

from chassis.problems import Problem
from gateway.onboarding import changed_tenant, new_tenant
from gateway.tenant_settings import TenantSettings, parse_settings, stored_settings
from gateway.tenants import Tenant


def rejected_field(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(Problem) as raised:
        call(*args, **kwargs)
    assert raised.value.status == 422
    (error,) = raised.value.errors
    return error.field


def register(**overrides: Any) -> Tenant:
    values: dict[str, Any] = {
        "slug": "bucha",
        "name": {"uk": "Бучанська міська рада", "en": "Bucha City Council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {},
    }
    values.update(overrides)
    return new_tenant(**values)


def test_a_new_council_starts_with_every_default_filled_in() -> None:
    assert register().settings.model_dump() == {
        "petition_threshold": 250,
        "petition_collection_days": 60,
        "budget_min_voter_age": 16,
        "budget_votes_per_voter": 3,
        "appeal_attachment_max_mb": 10,
        "appeal_attachment_max_count": 5,
        "show_official_names": False,
        "holidays": [],
        "open311_public_address": False,
        "cors_origins": [],
        "rate_limits": {"sensitive_writes_per_minute": 20, "requests_per_minute": 600},
        "queue_booking_horizon_days": 21,
        "queue_bookings_per_month": 4,
        "queue_payment_hold_minutes": 15,
        "queue_cancel_hours_before": 2,
        "notify_retention_days": 90,
    }


def test_given_settings_override_the_defaults_and_nested_groups_merge() -> None:
    settings = parse_settings(
        {"petition_threshold": 100, "rate_limits": {"requests_per_minute": 60}}
    )

    assert settings.petition_threshold == 100
    assert settings.rate_limits.requests_per_minute == 60
    assert settings.rate_limits.sensitive_writes_per_minute == 20


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"petition_treshold": 100}, "settings.petition_treshold"),  # a typo is refused
        ({"rate_limits": {"burst": 5}}, "settings.rate_limits.burst"),
        ({"petition_threshold": 0}, "settings.petition_threshold"),
        ({"petition_collection_days": 366}, "settings.petition_collection_days"),
        ({"budget_min_voter_age": 13}, "settings.budget_min_voter_age"),
        ({"budget_min_voter_age": 19}, "settings.budget_min_voter_age"),
        ({"budget_votes_per_voter": 11}, "settings.budget_votes_per_voter"),
        ({"show_official_names": "maybe"}, "settings.show_official_names"),
        ({"rate_limits": {"requests_per_minute": 0}}, "settings.rate_limits.requests_per_minute"),
    ],
)
def test_a_bad_or_unknown_setting_is_422_naming_it(changes: dict[str, Any], field: str) -> None:
    assert rejected_field(parse_settings, changes) == field


def test_cors_origins_are_normalised_origins() -> None:
    settings = parse_settings({"cors_origins": ["https://Bucha.Gov.UA", "http://localhost:5173/"]})

    assert settings.cors_origins == ["https://bucha.gov.ua", "http://localhost:5173"]


@pytest.mark.parametrize(
    "origin", ["ftp://bucha.gov.ua", "https://bucha.gov.ua/app", "bucha.gov.ua", "https://"]
)
def test_a_cors_origin_with_a_path_or_other_scheme_is_refused(origin: str) -> None:
    assert rejected_field(parse_settings, {"cors_origins": [origin]}) == "settings.cors_origins.0"


def test_a_change_merges_into_the_current_settings() -> None:
    current = register(settings={"petition_threshold": 100, "budget_votes_per_voter": 5})

    changed = changed_tenant(current, settings={"petition_threshold": 150})

    assert changed.settings.petition_threshold == 150
    assert changed.settings.budget_votes_per_voter == 5
    assert current.settings.petition_threshold == 100  # tenants are values, never mutated


def test_stored_settings_from_another_version_still_load() -> None:
    stored = {"petition_threshold": 120, "retired_key": 1, "rate_limits": {"old": 2}}

    settings = stored_settings(stored)

    assert settings.petition_threshold == 120
    assert settings.rate_limits == TenantSettings().rate_limits


@pytest.mark.parametrize(
    "slug", ["platform", "auth", "dev", "docs", "health", "admin", "Bucha", "b", "9bucha", "a_b"]
)
def test_a_reserved_or_malformed_slug_is_422_naming_slug(slug: str) -> None:
    assert rejected_field(register, slug=slug) == "slug"


@pytest.mark.parametrize("timezone", ["Europe/Kiev2", "Mars/Olympus", "", "../etc/passwd"])
def test_a_time_zone_that_is_not_iana_is_422_naming_timezone(timezone: str) -> None:
    assert rejected_field(register, timezone=timezone) == "timezone"


def test_only_uk_and_en_locales() -> None:
    assert register(locale="en").locale == "en"
    assert rejected_field(register, locale="ru") == "locale"


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ({"en": "Bucha"}, "name.uk"),
        ({"uk": "  "}, "name.uk"),
        ({"uk": "Буча", "de": "B"}, "name.de"),
    ],
)
def test_the_ukrainian_name_is_required(name: dict[str, str], field: str) -> None:
    assert rejected_field(register, name=name) == field


def test_a_name_change_keeps_the_other_language() -> None:
    current = register()

    changed = changed_tenant(current, name={"en": "Bucha Council"})

    assert changed.name == {"uk": "Бучанська міська рада", "en": "Bucha Council"}
    assert rejected_field(changed_tenant, current, name={"uk": None}) == "name.uk"
