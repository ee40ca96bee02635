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
    phone: str | None = Field(default=None, description="Contact for the citizen's notices")
    locale: str = "uk"
    received_at: datetime
    due_at: datetime


class _AppealNotice(EventModel):
    """What every later stage carries, so notify can tell the citizen without asking appeals."""

    appeal_id: str
    number: str = Field(description="Registration number, {PREFIX}-{YYYY}-{seq}")
    subject: str
    status: str = Field(description="The appeal's status after this event")
    citizen_sub: str = Field(description="The author's IdP subject")
    citizen_name: str
    email: str | None = Field(default=None, description="Contact for the citizen's notices")
    phone: str | None = Field(default=None, description="Contact for the citizen's notices")
    locale: str = "uk"
    due_at: datetime = Field(description="The statutory due date after this event")
    department: str | None = None
    at: datetime = Field(description="When it happened")


class AppealAssigned(_AppealNotice):
    """The appeal was routed to a department (and possibly an official)."""

    event_type: ClassVar[str] = "appeals.appeal.assigned.v1"
    topic: ClassVar[str] = APPEALS_APPEAL


class AppealExtended(_AppealNotice):
    """The term was extended (Art. 20); the citizen must be told the new date and why."""

    event_type: ClassVar[str] = "appeals.appeal.extended.v1"
    topic: ClassVar[str] = APPEALS_APPEAL

    previous_due_at: datetime
    days: int
    reason: str


class AppealForwarded(_AppealNotice):
    """The appeal was forwarded to the competent body (Art. 7); the citizen is told."""

    event_type: ClassVar[str] = "appeals.appeal.forwarded.v1"
    topic: ClassVar[str] = APPEALS_APPEAL

    forwarded_to: str
    reason: str


class AppealReturned(_AppealNotice):
    """The appeal was returned to the citizen for missing data (Art. 7), with the reason."""

    event_type: ClassVar[str] = "appeals.appeal.returned.v1"
    topic: ClassVar[str] = APPEALS_APPEAL

    reason: str


class AppealAnswered(_AppealNotice):
    """The council answered the appeal."""

    event_type: ClassVar[str] = "appeals.appeal.answered.v1"
    topic: ClassVar[str] = APPEALS_APPEAL

    answer_summary: str = Field(description="The answer's first 500 characters")
    answered_at: datetime
    on_time: bool = Field(description="Answered no later than the due date")


class AppealClosed(_AppealNotice):
    """The appeal's consideration is finished."""

    event_type: ClassVar[str] = "appeals.appeal.closed.v1"
    topic: ClassVar[str] = APPEALS_APPEAL


class AppealReopened(_AppealNotice):
    """A complaint about the answer reopened the appeal on a new term."""

    event_type: ClassVar[str] = "appeals.appeal.reopened.v1"
    topic: ClassVar[str] = APPEALS_APPEAL

    reason: str


class AppealDueSoon(_AppealNotice):
    """Three working days (by default) remain before the due date."""

    event_type: ClassVar[str] = "appeals.appeal.due_soon.v1"
    topic: ClassVar[str] = APPEALS_APPEAL


class AppealOverdue(_AppealNotice):
    """The due date passed without an answer."""

    event_type: ClassVar[str] = "appeals.appeal.overdue.v1"
    topic: ClassVar[str] = APPEALS_APPEAL


class AppealRated(_AppealNotice):
    """The citizen rated the answer."""

    event_type: ClassVar[str] = "appeals.appeal.rated.v1"
    topic: ClassVar[str] = APPEALS_APPEAL

    score: int = Field(ge=1, le=5)


APPEAL_EVENTS: tuple[type[EventModel], ...] = (
    AppealRegistered,
    AppealAssigned,
    AppealExtended,
    AppealForwarded,
    AppealReturned,
    AppealAnswered,
    AppealClosed,
    AppealReopened,
    AppealDueSoon,
    AppealOverdue,
    AppealRated,
)
