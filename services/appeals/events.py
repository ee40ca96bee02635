"""Turning a stored change into its outbox record: which event each action announces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.outbox import outbox_record
from contracts.appeals import (
    AppealAnswered,
    AppealAssigned,
    AppealClosed,
    AppealDueSoon,
    AppealExtended,
    AppealForwarded,
    AppealOverdue,
    AppealRated,
    AppealRegistered,
    AppealReopened,
    AppealReturned,
)
from contracts.envelope import EventEnvelope, EventModel
from services.appeals.domain import Appeal, Change

SOURCE = "/hromada/appeals"

_SIMPLE: dict[str, type[EventModel]] = {
    "assign": AppealAssigned,
    "close": AppealClosed,
    "due_soon": AppealDueSoon,
    "overdue": AppealOverdue,
}


def _common(appeal: Appeal, at: datetime) -> dict[str, Any]:
    return {
        "appeal_id": appeal.id,
        "number": appeal.number,
        "subject": appeal.subject,
        "status": appeal.status,
        "citizen_sub": appeal.citizen_sub,
        "citizen_name": appeal.citizen_name,
        "email": appeal.email,
        "phone": appeal.phone,
        "locale": appeal.locale,
        "due_at": appeal.due_at,
        "department": appeal.department,
        "at": at,
    }


def event_for(appeal: Appeal, change: Change, at: datetime) -> EventModel | None:
    """The event a change announces; None for changes nobody outside needs (e.g. priority)."""
    common = _common(appeal, at)
    d = change.details
    match change.action:
        case "extend":
            return AppealExtended(
                **common, previous_due_at=d["previous_due_at"], days=d["days"], reason=d["reason"]
            )
        case "forward":
            return AppealForwarded(**common, forwarded_to=d["to"], reason=d["reason"])
        case "return":
            return AppealReturned(**common, reason=d["reason"])
        case "answer":
            return AppealAnswered(
                **common, answer_summary=d["summary"], answered_at=at, on_time=d["on_time"]
            )
        case "reopen":
            return AppealReopened(**common, reason=d["reason"])
        case "rate":
            return AppealRated(**common, score=d["score"])
        case action if action in _SIMPLE:
            return _SIMPLE[action](**common)
    return None


def registered_event(appeal: Appeal) -> AppealRegistered:
    return AppealRegistered(
        appeal_id=appeal.id,
        number=appeal.number,
        kind=appeal.kind,  # type: ignore[arg-type]
        subject=appeal.subject,
        citizen_sub=appeal.citizen_sub,
        citizen_name=appeal.citizen_name,
        email=appeal.email,
        phone=appeal.phone or None,
        locale=appeal.locale,
        received_at=appeal.received_at,
        due_at=appeal.due_at,
    )


def to_outbox(appeal: Appeal, event: EventModel) -> dict[str, Any]:
    envelope = EventEnvelope.wrap(event, source=SOURCE, subject=appeal.id, tenant=appeal.tenant)
    return outbox_record(envelope, event.topic)
