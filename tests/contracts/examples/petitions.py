"""Golden examples of the petitions service's events."""

from contracts.envelope import EventModel
from contracts.petitions import (
    PetitionAnswered,
    PetitionDeadlinePassed,
    PetitionMilestoneReached,
    PetitionPublished,
    PetitionRejected,
    PetitionThresholdReached,
)

NOTICE = {
    "petition_id": "3c9d7b1e-5a2f-4e8b-9c61-0f2a4d6e8b10",
    "title": "Облаштувати велодоріжку на вул. Головній",
    "status": "collecting",
    "author_sub": "citizen-1",
    "author_name": "Олена Коваль",
    "author_email": "olena@example.ua",
    "locale": "uk",
    "signature_count": 125,
    "threshold": 250,
    "at": "2026-03-11T10:00:00Z",
}

EXAMPLES: dict[str, EventModel] = {
    PetitionPublished.event_type: PetitionPublished(
        **{**NOTICE, "signature_count": 1}, deadline_at="2026-05-10T10:00:00Z"
    ),
    PetitionRejected.event_type: PetitionRejected(
        **{**NOTICE, "status": "rejected", "signature_count": 1, "threshold": None},
        reason="Не зазначено суть звернення",
    ),
    PetitionMilestoneReached.event_type: PetitionMilestoneReached(**NOTICE, percent=50),
    PetitionThresholdReached.event_type: PetitionThresholdReached(
        **{**NOTICE, "status": "under_consideration", "signature_count": 250},
        response_due_at="2026-03-26T22:00:00Z",
    ),
    PetitionDeadlinePassed.event_type: PetitionDeadlinePassed(
        **{**NOTICE, "status": "not_supported", "signature_count": 97},
        text="Прошу облаштувати велодоріжку від центру до парку.",
        deadline_at="2026-05-10T10:00:00Z",
    ),
    PetitionAnswered.event_type: PetitionAnswered(
        **{**NOTICE, "status": "answered", "signature_count": 260},
        decision="supported",
        response_summary="Велодоріжку включено до плану робіт на 2026 рік.",
    ),
}
