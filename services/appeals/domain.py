"""Pure rules of the e-Reception: what a valid appeal is, its number and its statutory term.

No I/O here: the use cases feed it data and store what it returns.
"""

from __future__ import annotations

import calendar
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from chassis.problems import FieldError

AppealKind = Literal["proposal", "statement", "complaint"]
KINDS: tuple[AppealKind, ...] = ("proposal", "statement", "complaint")

SUBJECT_MAX = 300
TEXT_MAX = 20_000
ADDRESS_MAX = 500
NAME_MAX = 300
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    email: str
    name: str


def validate_draft(draft: AppealDraft) -> list[FieldError]:
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
    if not draft.email.strip():
        errors.append(FieldError("email", "is required (a contact for the answer)"))
    elif not _EMAIL.match(draft.email.strip()):
        errors.append(FieldError("email", "is not a valid email address"))
    if not draft.name.strip():
        errors.append(
            FieldError("name", "the author's full name is required (Art. 8: no anonymous appeals)")
        )
    elif len(draft.name) > NAME_MAX:
        errors.append(FieldError("name", f"must be at most {NAME_MAX} characters"))
    return errors


def add_calendar_month(moment: datetime) -> datetime:
    """The same wall-clock time one calendar month later, clamped to the month's last day
    (31 January -> 28/29 February), as "one month from receipt" is read in practice."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def default_due_at(received_at: datetime, timezone: str) -> datetime:
    """Art. 20: an appeal is considered within one month of receipt, counted in the
    council's own zone; stored in UTC."""
    local = received_at.astimezone(ZoneInfo(timezone))
    due_local = add_calendar_month(local)
    # Re-attach the zone so a DST change within the month keeps the local wall-clock time.
    return due_local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def registration_year(received_at: datetime, timezone: str) -> int:
    return received_at.astimezone(ZoneInfo(timezone)).year


def number_prefix(tenant: str) -> str:
    return tenant.replace("-", "").upper()


def format_number(tenant: str, year: int, seq: int) -> str:
    """`{PREFIX}-{YYYY}-{seq}`: unique per tenant and year, gap-free."""
    return f"{number_prefix(tenant)}-{year}-{seq}"


@dataclass
class Appeal:
    """A registered appeal and the stages it went through."""

    tenant: str
    number: str
    kind: str
    subject: str
    text: str
    address: str
    email: str
    citizen_sub: str
    citizen_name: str
    received_at: datetime
    due_at: datetime
    status: str = "registered"
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    history: list[dict[str, object]] = field(default_factory=list)

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
        appeal = cls(
            tenant=tenant,
            number=number,
            kind=draft.kind,
            subject=draft.subject.strip(),
            text=draft.text.strip(),
            address=draft.address.strip(),
            email=draft.email.strip(),
            citizen_sub=citizen_sub,
            citizen_name=draft.name.strip(),
            received_at=received_at,
            due_at=default_due_at(received_at, timezone),
        )
        appeal.history.append({"status": "registered", "at": received_at, "by": "system"})
        return appeal
