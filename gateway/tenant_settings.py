"""A council's settings: data changed through the platform API, not code. Every key is known
(an unknown one is refused, so a typo never silently does nothing) and has a default, and the
stored tenant document keeps them all with the defaults filled in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from chassis.logging import get_logger
from chassis.problems import FieldError, Problem

log = get_logger("gateway.tenant_settings")


def _origin(value: str) -> str:
    """An http(s) origin as browsers send it: scheme://host[:port], nothing after."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// origin")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError("must be an origin only: no path, query, fragment or user")
    return f"{parts.scheme}://{parts.netloc.lower()}"


Origin = Annotated[str, AfterValidator(_origin)]


class RateLimits(BaseModel):
    """Per-user request budgets at the edge (token buckets)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sensitive_writes_per_minute: int = Field(default=20, ge=1)
    requests_per_minute: int = Field(default=600, ge=1)


class TenantSettings(BaseModel):
    """Everything a council may tune; the defaults are what a new council starts with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    petition_threshold: int = Field(default=250, ge=1, description="signatures needed")
    petition_collection_days: int = Field(default=60, ge=1, le=365)
    budget_min_voter_age: int = Field(default=16, ge=14, le=18)
    budget_votes_per_voter: int = Field(default=3, ge=1, le=10)
    # At most the gateway's upload ceiling (upload_max_body_bytes, 26 MiB).
    appeal_attachment_max_mb: int = Field(default=10, ge=1, le=25)
    appeal_attachment_max_count: int = Field(default=5, ge=0, le=20)
    show_official_names: bool = False
    # Non-working days besides weekends, for the statutory clocks (ISO dates).
    holidays: list[date] = Field(default_factory=list)
    open311_public_address: bool = False
    cors_origins: list[Origin] = Field(default_factory=list)
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    # The ASC e-queue (practice: MVS opens slots 21 days ahead, 4 bookings a month a person).
    queue_booking_horizon_days: int = Field(default=21, ge=1, le=90)
    queue_bookings_per_month: int = Field(default=4, ge=1, le=31)
    queue_payment_hold_minutes: int = Field(default=15, ge=5, le=120)
    queue_cancel_hours_before: int = Field(default=2, ge=0, le=72)
    # How long notify keeps its delivery log (GOV.UK Notify: 7 days; our default 90).
    notify_retention_days: int = Field(default=90, ge=1, le=3650)

    def as_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def parse_settings(
    changes: Mapping[str, Any], base: TenantSettings | None = None
) -> TenantSettings:
    """`base` (defaults if None) with `changes` merged in (one level deep for nested groups),
    validated; a bad or unknown key is a 422 naming it as `settings.<key>`."""
    merged = (base or TenantSettings()).as_document()
    for key, value in changes.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            merged[key] = {**current, **value}
        else:
            merged[key] = value
    try:
        return TenantSettings.model_validate(merged)
    except ValidationError as exc:
        errors = [
            FieldError(".".join(["settings", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()
        ]
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        raise Problem(422, detail, errors=errors) from exc


def stored_settings(raw: Mapping[str, Any] | None) -> TenantSettings:
    """Settings read back from the database. They were validated when written, but a key from
    another version of the gateway must not take the council (or the registry) down: unknown
    keys are dropped, and if a value is still unusable the defaults apply and it is logged."""
    known = _known_only(TenantSettings, dict(raw or {}))
    try:
        return TenantSettings.model_validate(known)
    except ValidationError as exc:
        log.warning("tenant_settings.unreadable", errors=exc.error_count())
        return TenantSettings()


def _known_only(model: type[BaseModel], raw: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name not in raw:
            continue
        nested = field.annotation
        if (
            isinstance(nested, type)
            and issubclass(nested, BaseModel)
            and isinstance(raw[name], dict)
        ):
            kept[name] = _known_only(nested, raw[name])
        else:
            kept[name] = raw[name]
    return kept
