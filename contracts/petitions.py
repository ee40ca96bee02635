"""Events published by the petitions service (local e-petitions, Law 393/96-ВР Art. 23-1).

Every event carries what notify needs to tell the author without asking petitions: the
author's sub, name, email and locale, the title, the petition id, and the counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from contracts.envelope import EventModel
from contracts.topics import PETITIONS_PETITION


class _PetitionNotice(EventModel):
    """What every petition event carries."""

    petition_id: str
    title: str
    status: str = Field(description="The petition's status after this event")
    author_sub: str = Field(description="The author's IdP subject")
    author_name: str
    author_email: str | None = Field(default=None, description="Contact for the author's notices")
    locale: str = "uk"
    signature_count: int = Field(description="Signatures counted when the event was emitted")
    threshold: int | None = Field(default=None, description="Signatures needed (set on publish)")
    at: datetime = Field(description="When it happened")


class PetitionPublished(_PetitionNotice):
    """Moderation passed: the petition collects signatures until `deadline_at`."""

    event_type: ClassVar[str] = "petitions.petition.published.v1"
    topic: ClassVar[str] = PETITIONS_PETITION

    deadline_at: datetime


class PetitionRejected(_PetitionNotice):
    """Moderation refused the petition (Art. 23-1: lacking required data); not published."""

    event_type: ClassVar[str] = "petitions.petition.rejected.v1"
    topic: ClassVar[str] = PETITIONS_PETITION

    reason: str


class PetitionMilestoneReached(_PetitionNotice):
    """The count passed 25, 50, 75 or 100 % of the threshold (once per milestone)."""

    event_type: ClassVar[str] = "petitions.petition.milestone_reached.v1"
    topic: ClassVar[str] = PETITIONS_PETITION

    percent: Literal[25, 50, 75, 100]


class PetitionThresholdReached(_PetitionNotice):
    """Enough signatures: the council considers it within 10 working days (Art. 23-1)."""

    event_type: ClassVar[str] = "petitions.petition.threshold_reached.v1"
    topic: ClassVar[str] = PETITIONS_PETITION

    response_due_at: datetime


class PetitionDeadlinePassed(_PetitionNotice):
    """The collection period ended below the threshold: `not_supported`. Art. 23-1 says it is
    then handled as an ordinary appeal, so the event carries the whole text for appeals."""

    event_type: ClassVar[str] = "petitions.petition.deadline_passed.v1"
    topic: ClassVar[str] = PETITIONS_PETITION

    text: str
    deadline_at: datetime


class PetitionAnswered(_PetitionNotice):
    """The council's official response to a petition that reached its threshold."""

    event_type: ClassVar[str] = "petitions.petition.answered.v1"
    topic: ClassVar[str] = PETITIONS_PETITION

    decision: Literal["supported", "rejected"]
    response_summary: str = Field(description="The response's first 500 characters")


PETITION_EVENTS: tuple[type[EventModel], ...] = (
    PetitionPublished,
    PetitionRejected,
    PetitionMilestoneReached,
    PetitionThresholdReached,
    PetitionDeadlinePassed,
    PetitionAnswered,
)
