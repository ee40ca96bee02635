"""What the API shows of an appeal: the full view (with its timeline) and the list item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from services.appeals.domain import OPEN_STATUSES, Appeal


class TimelineStage(msgspec.Struct, omit_defaults=True):
    stage: str
    at: datetime
    department: str | None = None
    official: str | None = None
    due_at: datetime | None = None
    note: str | None = None


class AppealView(msgspec.Struct):
    id: str
    number: str
    kind: str
    status: str
    subject: str
    text: str
    address: str
    email: str | None
    phone: str | None
    category: str | None
    location: dict[str, float] | None
    decision_date: str | None
    learned_date: str | None
    late_complaint: bool
    possible_repeat_of: dict[str, str] | None
    priority: bool
    simple: bool
    department: str | None
    assignee: str | None
    forwarded_to: str | None
    received_at: datetime
    due_at: datetime
    answer: dict[str, Any] | None
    answered_at: datetime | None
    closed_at: datetime | None
    rating: dict[str, Any] | None
    timeline: list[TimelineStage]


def _stage(entry: dict[str, Any], show_names: bool) -> TimelineStage:
    return TimelineStage(
        stage=str(entry.get("stage") or entry.get("status") or "registered"),
        at=entry["at"],
        department=entry.get("department"),
        official=entry.get("official") if show_names else None,
        due_at=entry.get("due_at"),
        note=entry.get("note"),
    )


def to_view(appeal: Appeal, show_names: bool) -> AppealView:
    """Officials' names (timeline, assignee) only where `show_names` (staff, or the council
    allows citizens to see them)."""
    return AppealView(
        id=appeal.id,
        number=appeal.number,
        kind=appeal.kind,
        status=appeal.status,
        subject=appeal.subject,
        text=appeal.text,
        address=appeal.address,
        email=appeal.email,
        phone=appeal.phone,
        category=appeal.category,
        location=appeal.location,
        decision_date=appeal.decision_date,
        learned_date=appeal.learned_date,
        late_complaint=appeal.late_complaint,
        possible_repeat_of=appeal.possible_repeat_of,
        priority=appeal.priority,
        simple=appeal.simple,
        department=appeal.department,
        assignee=appeal.assignee if show_names else None,
        forwarded_to=appeal.forwarded_to,
        received_at=appeal.received_at,
        due_at=appeal.due_at,
        answer=appeal.answer,
        answered_at=appeal.answered_at,
        closed_at=appeal.closed_at,
        rating=appeal.rating,
        timeline=[_stage(e, show_names) for e in appeal.history],
    )


class AppealListItem(msgspec.Struct):
    id: str
    number: str
    kind: str
    status: str
    subject: str
    category: str | None
    priority: bool
    department: str | None
    assignee: str | None
    received_at: datetime
    due_at: datetime
    overdue: bool
    late_complaint: bool
    possible_repeat_of: dict[str, str] | None


def to_list_item(doc: dict[str, Any], now: datetime, show_names: bool) -> AppealListItem:
    return AppealListItem(
        id=doc["_id"],
        number=doc["number"],
        kind=doc["kind"],
        status=doc["status"],
        subject=doc["subject"],
        category=doc.get("category"),
        priority=bool(doc.get("priority")),
        department=doc.get("department"),
        assignee=doc.get("assignee") if show_names else None,
        received_at=doc["received_at"],
        due_at=doc["due_at"],
        overdue=doc["status"] in OPEN_STATUSES and doc["due_at"] < now,
        late_complaint=bool(doc.get("late_complaint")),
        possible_repeat_of=doc.get("possible_repeat_of"),
    )


class AuditEntryView(msgspec.Struct):
    seq: int
    at: str
    actor: dict[str, str]
    action: str
    details: dict[str, Any]
    prev_hash: str
    hash: str
