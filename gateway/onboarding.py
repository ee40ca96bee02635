"""What makes a council valid, and how a change applies to one: pure rules, no I/O.

Slug: `^[a-z][a-z0-9-]{1,30}$` and not reserved; time zone: a real IANA zone (deadlines are
computed in it); locale: uk or en; the Ukrainian name is required (the official language).
Every failure is a 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chassis.problems import invalid
from gateway.tenant_settings import parse_settings
from gateway.tenants import RESERVED_SLUGS, SLUG_PATTERN, Tenant

LOCALES = ("uk", "en")
NAME_LANGUAGES = ("uk", "en")
MAX_NAME_LENGTH = 200


def checked_slug(slug: str) -> str:
    if not SLUG_PATTERN.fullmatch(slug):
        raise invalid(
            "slug", "must be 2-31 lower-case letters, digits or '-', starting with a letter"
        )
    if slug in RESERVED_SLUGS:
        raise invalid("slug", f"'{slug}' is reserved by the platform")
    return slug


def checked_timezone(timezone: str) -> str:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid("timezone", "must be an IANA time zone such as Europe/Kyiv") from None
    return timezone


def checked_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise invalid("locale", "must be one of: " + ", ".join(LOCALES))
    return locale


def council_name(current: Mapping[str, str], changes: Mapping[str, str | None]) -> dict[str, str]:
    """`current` with `changes` applied; a language set to null or blank is removed, but the
    Ukrainian name must remain."""
    name = dict(current)
    for language, value in changes.items():
        if language not in NAME_LANGUAGES:
            raise invalid(f"name.{language}", "only uk and en names are kept")
        text = (value or "").strip()
        if len(text) > MAX_NAME_LENGTH:
            raise invalid(f"name.{language}", f"must be at most {MAX_NAME_LENGTH} characters")
        if text:
            name[language] = text
        else:
            name.pop(language, None)
    if "uk" not in name:
        raise invalid("name.uk", "the Ukrainian name is required")
    return name


def new_tenant(
    *,
    slug: str,
    name: Mapping[str, str | None],
    timezone: str,
    locale: str,
    settings: Mapping[str, Any],
) -> Tenant:
    """A council as onboarded: active, with every setting it did not give at its default."""
    return Tenant(
        slug=checked_slug(slug),
        name=council_name({}, name),
        timezone=checked_timezone(timezone),
        locale=checked_locale(locale),
        active=True,
        settings=parse_settings(settings),
    )


def changed_tenant(
    current: Tenant,
    *,
    name: Mapping[str, str | None] | None = None,
    settings: Mapping[str, Any] | None = None,
    active: bool | None = None,
) -> Tenant:
    """`current` with the given parts changed; settings are merged into the current ones."""
    return replace(
        current,
        name=council_name(current.name, name) if name is not None else current.name,
        settings=parse_settings(settings, current.settings)
        if settings is not None
        else current.settings,
        active=current.active if active is None else active,
    )
