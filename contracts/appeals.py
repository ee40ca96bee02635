"""Events published by the appeals service (e-Reception)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from contracts.envelope import EventModel
from contracts.topics import APPEALS_APPEAL

AppealKind = Literal["proposal", "statement", "complaint"]


class AppealRegistered(EventModel):
    """An appeal was received and registered; its statutory clock has started."""

    event_type: ClassVar[str] = "appeals.appeal.registered.v1"
    topic: ClassVar[str] = APPEALS_APPEAL

    appeal_id: str
    number: str = Field(description="Registration number, {PREFIX}-{YYYY}-{seq}")
    kind: AppealKind
    subject: str
    citizen_sub: str = Field(description="The author's IdP subject")
    citizen_name: str
    email: str | None = Field(default=None, description="Contact for the citizen's notices")
    locale: str = "uk"
    received_at: datetime
    due_at: datetime
