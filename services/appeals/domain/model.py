"""The appeal itself: what a valid filing is, its number, and the document the workflow changes.

No I/O here: the use cases feed it data and store what it returns.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from chassis.problems import FieldError
from services.appeals.domain.clock import default_due_at, is_late_complaint
from services.appeals.domain.similarity import subject_tokens

AppealKind = Literal["proposal", "statement", "complaint"]
KINDS: tuple[AppealKind, ...] = ("proposal", "statement", "complaint")
# Stages in which the council still owes the citizen an answer (the statutory clock runs).
OPEN_STATUSES = ("registered", "assigned", "reopened")

SUBJECT_MAX = 300
TEXT_MAX = 20_000
ADDRESS_MAX = 500
NAME_MAX = 300
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,19}$")


class AppealRejected(Exception):
    """The appeal cannot be accepted as filed; carries every field that is wrong."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class AppealDraft:
    """What the citizen sent, with the name taken from the verified token."""

    kind: str
    subject: str
    text: str
    address: str
    name: str
    email: str = ""
    phone: str = ""
    category: str | None = None
    location: tuple[float, float] | None = None  # (lat, lon)
    decision_date: date | None = None
    learned_date: date | None = None


def validate_draft(draft: AppealDraft, today: date | None = None) -> list[FieldError]:
    """Art. 5: full name, place of residence, the substance and a contact; Art. 3: the kind.

    Art. 8 (anonymous appeals are not considered) is enforced by requiring a verified token;
    a token without a name is an anonymous author and is refused here.
    """
    errors: list[FieldError] = []
    if draft.kind not in KINDS:
        errors.append(FieldError("kind", f"must be one of: {', '.join(KINDS)}"))
    for name, value, limit in (
        ("subject", draft.subject, SUBJECT_MAX),
        ("text", draft.text, TEXT_MAX),
        ("address", draft.address, ADDRESS_MAX),
    ):
        if not value.strip():
            errors.append(FieldError(name, "is required"))
        elif len(value) > limit:
            errors.append(FieldError(name, f"must be at most {limit} characters"))
    errors += _contact_errors(draft)
    if not draft.name.strip():
        errors.append(
            FieldError("name", "the author's full name is required (Art. 8: no anonymous appeals)")
        )
    elif len(draft.name) > NAME_MAX:
        errors.append(FieldError("name", f"must be at most {NAME_MAX} characters"))
    if draft.location is not None:
        lat, lon = draft.location
        if not -90 <= lat <= 90:
            errors.append(FieldError("location.lat", "must be between -90 and 90"))
        if not -180 <= lon <= 180:
            errors.append(FieldError("location.lon", "must be between -180 and 180"))
    errors += _complaint_date_errors(draft, today)
    return errors


def _contact_errors(draft: AppealDraft) -> list[FieldError]:
    email, phone = draft.email.strip(), draft.phone.strip()
    if not email and not phone:
        return [FieldError("email", "an email or a phone is required (a contact for the answer)")]
    errors = []
    if email and not _EMAIL.match(email):
        errors.append(FieldError("email", "is not a valid email address"))
    if phone and not _PHONE.match(phone):
        errors.append(FieldError("phone", "is not a valid phone number"))
    return errors


def _complaint_date_errors(draft: AppealDraft, today: date | None) -> list[FieldError]:
    errors = []
    dates = (("decision_date", draft.decision_date), ("learned_date", draft.learned_date))
    for name, value in dates:
        if value is None:
            continue
        if draft.kind != "complaint":
            errors.append(FieldError(name, "is only for a complaint (Art. 17)"))
        elif today is not None and value > today:
            errors.append(FieldError(name, "cannot be in the future"))
    if draft.decision_date and draft.learned_date and draft.learned_date < draft.decision_date:
        errors.append(FieldError("learned_date", "cannot be before the decision_date"))
    return errors


def registration_year(received_at: datetime, timezone: str) -> int:
    return received_at.astimezone(ZoneInfo(timezone)).year


def number_prefix(tenant: str) -> str:
    return tenant.replace("-", "").upper()


def format_number(tenant: str, year: int, seq: int) -> str:
    """`{PREFIX}-{YYYY}-{seq}`: unique per tenant and year, gap-free."""
    return f"{number_prefix(tenant)}-{year}-{seq}"


@dataclass
class Appeal:
    """A registered appeal, the stages it went through and its tamper-evident audit trail."""

    tenant: str
    number: str
    kind: str
    subject: str
    text: str
    address: str
    citizen_sub: str
    citizen_name: str
    received_at: datetime
    due_at: datetime
    email: str | None = None
    phone: str | None = None
    locale: str = "uk"
    category: str | None = None
    location: dict[str, float] | None = None
    decision_date: str | None = None
    learned_date: str | None = None
    late_complaint: bool = False
    possible_repeat_of: dict[str, str] | None = None
    subject_tokens: list[str] = field(default_factory=list)
    status: str = "registered"
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    priority: bool = False
    simple: bool = False
    department: str | None = None
    assignee: str | None = None
    # The statutory term counts from here: receipt, or the reopening of a complaint.
    term_started_at: datetime | None = None
    extended_days: int = 0
    forwarded_to: str | None = None
    answer: dict[str, Any] | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    rating: dict[str, Any] | None = None
    # True while the statutory clock still has a notice to send for the current due date.
    clock_pending: bool = True
    due_soon_for: datetime | None = None
    overdue_for: datetime | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    version: int = 1

    @property
    def term_start(self) -> datetime:
        return self.term_started_at or self.received_at

    @property
    def contact(self) -> str:
        return self.email or self.phone or ""

    @classmethod
    def register(
        cls,
        draft: AppealDraft,
        *,
        tenant: str,
        citizen_sub: str,
        number: str,
        received_at: datetime,
        timezone: str,
    ) -> Appeal:
        late = draft.kind == "complaint" and is_late_complaint(
            received_at, timezone, draft.decision_date, draft.learned_date
        )
        appeal = cls(
            tenant=tenant,
            number=number,
            kind=draft.kind,
            subject=draft.subject.strip(),
            text=draft.text.strip(),
            address=draft.address.strip(),
            email=draft.email.strip() or None,
            phone=draft.phone.strip() or None,
            category=draft.category,
            location=(
                {"lat": draft.location[0], "lon": draft.location[1]} if draft.location else None
            ),
            decision_date=draft.decision_date.isoformat() if draft.decision_date else None,
            learned_date=draft.learned_date.isoformat() if draft.learned_date else None,
            late_complaint=late,
            subject_tokens=sorted(subject_tokens(draft.subject)),
            citizen_sub=citizen_sub,
            citizen_name=draft.name.strip(),
            received_at=received_at,
            due_at=default_due_at(received_at, timezone),
        )
        appeal.history.append({"stage": "registered", "at": received_at})
        return appeal
