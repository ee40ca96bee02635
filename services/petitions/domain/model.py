"""The petition and its lifecycle (Law 393/96-ВР Art. 23-1), as pure functions: each
transition checks the current status and returns the fields that change.

moderation --publish--> collecting --threshold--> under_consideration --respond--> answered
moderation --reject--> rejected;   collecting --deadline below threshold--> not_supported
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from services.petitions.domain.rules import PetitionRules

MODERATION = "moderation"
COLLECTING = "collecting"
UNDER_CONSIDERATION = "under_consideration"
ANSWERED = "answered"
NOT_SUPPORTED = "not_supported"
REJECTED = "rejected"
STATUSES = (MODERATION, COLLECTING, UNDER_CONSIDERATION, ANSWERED, NOT_SUPPORTED, REJECTED)
# What anyone may read; a petition in moderation or rejected is its author's and the staff's.
PUBLIC_STATUSES = (COLLECTING, UNDER_CONSIDERATION, ANSWERED, NOT_SUPPORTED)
DECISIONS = ("supported", "rejected")


def stored_precision(moment: datetime) -> datetime:
    """MongoDB keeps milliseconds: answer with what a later read will show."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class IllegalTransition(Exception):
    """The action is not allowed from the petition's current status (a 409)."""

    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"cannot {action} a petition in status '{status}'")
        self.action = action
        self.status = status


@dataclass
class Petition:
    id: str
    tenant: str
    title: str
    text: str
    author_sub: str
    author_name: str
    author_email: str | None
    locale: str
    status: str
    created_at: datetime
    moderation_due_at: datetime
    signature_count: int = 1  # the author's own signature counts
    threshold: int | None = None
    signers: str = "any"
    published_at: datetime | None = None
    deadline_at: datetime | None = None
    closed_at: datetime | None = None  # collection ended: threshold reached or deadline passed
    response_due_at: datetime | None = None
    rejection_reason: str | None = None
    decision: str | None = None
    response_text: str | None = None
    answered_at: datetime | None = None

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Petition:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in doc.items() if k in known}
        values["id"] = str(doc["_id"])
        return cls(**values)

    def moderation_overdue(self, now: datetime) -> bool:
        return self.status == MODERATION and self.moderation_due_at < now

    def response_overdue(self, now: datetime) -> bool:
        due = self.response_due_at
        return self.status == UNDER_CONSIDERATION and due is not None and due < now

    def is_collecting(self, now: datetime) -> bool:
        return self.status == COLLECTING and self.deadline_at is not None and now < self.deadline_at


def _require(petition: Petition, action: str, *allowed: str) -> None:
    if petition.status not in allowed:
        raise IllegalTransition(action, petition.status)


def publish(petition: Petition, rules: PetitionRules, now: datetime) -> dict[str, Any]:
    """Threshold, deadline and who may sign are fixed at this moment for the whole collection."""
    _require(petition, "publish", MODERATION)
    return {
        "status": COLLECTING,
        "threshold": rules.threshold,
        "signers": rules.signers,
        "published_at": now,
        "deadline_at": now + timedelta(days=rules.collection_days),
    }


def reject(petition: Petition, reason: str) -> dict[str, Any]:
    _require(petition, "reject", MODERATION)
    return {"status": REJECTED, "rejection_reason": reason}


def reach_threshold(petition: Petition, now: datetime, response_due_at: datetime) -> dict[str, Any]:
    _require(petition, "reach the threshold of", COLLECTING)
    return {"status": UNDER_CONSIDERATION, "closed_at": now, "response_due_at": response_due_at}


def pass_deadline(petition: Petition, now: datetime) -> dict[str, Any]:
    _require(petition, "close", COLLECTING)
    return {"status": NOT_SUPPORTED, "closed_at": now}


def respond(petition: Petition, decision: str, text: str, now: datetime) -> dict[str, Any]:
    _require(petition, "respond to", UNDER_CONSIDERATION)
    return {"status": ANSWERED, "decision": decision, "response_text": text, "answered_at": now}
