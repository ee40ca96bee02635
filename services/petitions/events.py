"""Turning a petition's change into its outbox record: which event each change announces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.outbox import outbox_record
from contracts.envelope import EventEnvelope, EventModel
from contracts.petitions import (
    PetitionAnswered,
    PetitionDeadlinePassed,
    PetitionMilestoneReached,
    PetitionPublished,
    PetitionRejected,
    PetitionThresholdReached,
)
from services.petitions.domain.model import Petition

SOURCE = "/hromada/petitions"
SUMMARY_CHARS = 500


def _notice(petition: Petition, at: datetime, count: int | None = None) -> dict[str, Any]:
    return {
        "petition_id": petition.id,
        "title": petition.title,
        "status": petition.status,
        "author_sub": petition.author_sub,
        "author_name": petition.author_name,
        "author_email": petition.author_email,
        "locale": petition.locale,
        "signature_count": petition.signature_count if count is None else count,
        "threshold": petition.threshold,
        "at": at,
    }


def published(petition: Petition, at: datetime) -> EventModel:
    assert petition.deadline_at is not None
    return PetitionPublished(**_notice(petition, at), deadline_at=petition.deadline_at)


def rejected(petition: Petition, at: datetime) -> EventModel:
    return PetitionRejected(**_notice(petition, at), reason=petition.rejection_reason or "")


def answered(petition: Petition, at: datetime) -> EventModel:
    return PetitionAnswered(
        **_notice(petition, at),
        decision=petition.decision,  # type: ignore[arg-type]
        response_summary=(petition.response_text or "")[:SUMMARY_CHARS],
    )


def milestone(petition: Petition, percent: int, count: int, at: datetime) -> EventModel:
    return PetitionMilestoneReached(**_notice(petition, at, count), percent=percent)  # type: ignore[arg-type]


def threshold_reached(
    petition: Petition, count: int, at: datetime, response_due_at: datetime
) -> EventModel:
    return PetitionThresholdReached(**_notice(petition, at, count), response_due_at=response_due_at)


def deadline_passed(petition: Petition, count: int, at: datetime) -> EventModel:
    assert petition.deadline_at is not None
    return PetitionDeadlinePassed(
        **_notice(petition, at, count), text=petition.text, deadline_at=petition.deadline_at
    )


def to_outbox(petition: Petition, event: EventModel) -> dict[str, Any]:
    envelope = EventEnvelope.wrap(event, source=SOURCE, subject=petition.id, tenant=petition.tenant)
    return outbox_record(envelope, event.topic)
