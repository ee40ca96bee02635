"""Pure rules of the e-Reception (no I/O): the appeal, its statutory clock, the staff
workflow's state machine, the audit hash chain, repeat detection and the category catalogue."""

from services.appeals.domain.audit import SYSTEM, Actor, first_broken_seq, next_entry
from services.appeals.domain.clock import add_calendar_month, default_due_at
from services.appeals.domain.model import (
    KINDS,
    OPEN_STATUSES,
    Appeal,
    AppealDraft,
    AppealKind,
    AppealRejected,
    format_number,
    number_prefix,
    registration_year,
    validate_draft,
)
from services.appeals.domain.workflow import Change, IllegalTransition, RuleViolation

__all__ = [
    "KINDS",
    "OPEN_STATUSES",
    "SYSTEM",
    "Actor",
    "Appeal",
    "AppealDraft",
    "AppealKind",
    "AppealRejected",
    "Change",
    "IllegalTransition",
    "RuleViolation",
    "add_calendar_month",
    "default_due_at",
    "first_broken_seq",
    "format_number",
    "next_entry",
    "number_prefix",
    "registration_year",
    "validate_draft",
]
