"""Events published by the platform (the gateway's tenant registry): a council joined or its
name, settings or state changed. Services use them to create and adjust per-council defaults."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.envelope import EventModel
from contracts.topics import PLATFORM_TENANT


class CouncilName(BaseModel):
    """A council's official name in Ukrainian, and in English where it has one."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    uk: str
    en: str | None = None


class TenantState(EventModel):
    """The council's full state after the change (consumers need no earlier event)."""

    slug: str = Field(description="Tenant slug, the first path segment after /api/v1/")
    name: CouncilName
    timezone: str = Field(description="IANA time zone for deadlines, e.g. Europe/Kyiv")
    locale: str = Field(description="Default language of the council's texts: uk or en")
    active: bool = Field(description="False: the council is read-only (writes get 423)")
    settings: dict[str, Any] = Field(
        description="All tenant settings with defaults filled in (petition_threshold, ...)"
    )


class TenantRegistered(TenantState):
    """A council was onboarded; services create its defaults (catalogue, templates, rules)."""

    event_type: ClassVar[str] = "platform.tenant.registered.v1"
    topic: ClassVar[str] = PLATFORM_TENANT


class TenantUpdated(TenantState):
    """A council's name, settings or active state changed."""

    event_type: ClassVar[str] = "platform.tenant.updated.v1"
    topic: ClassVar[str] = PLATFORM_TENANT
