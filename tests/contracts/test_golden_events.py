"""Golden JSON of every event: a change that alters the wire shape fails here, and must be a
new versioned type instead."""

import json
from pathlib import Path

import pytest

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
from contracts.envelope import EventEnvelope, EventModel, event_type_registry
from contracts.platform import CouncilName, TenantRegistered, TenantUpdated

GOLDEN = Path(__file__).parent / "golden"

# What every appeal event after registration carries (contact, number, due date, locale).
APPEAL_NOTICE = {
    "appeal_id": "7f1c2a9e-3b7d-4f51-9a0e-2d6c1f0b8a11",
    "number": "CHERNIVTSI-2026-1",
    "subject": "Ремонт дороги",
    "status": "assigned",
    "citizen_sub": "citizen-1",
    "citizen_name": "Олена Коваль",
    "email": "olena@example.ua",
    "phone": "+380501234567",
    "due_at": "2026-04-10T08:30:00Z",
    "department": "Управління ЖКГ",
    "at": "2026-03-11T10:00:00Z",
}

PLATFORM_TENANT_SETTINGS = {
    "petition_threshold": 250,
    "petition_collection_days": 60,
    "budget_min_voter_age": 16,
    "budget_votes_per_voter": 3,
    "appeal_attachment_max_mb": 10,
    "appeal_attachment_max_count": 5,
    "show_official_names": False,
    "cors_origins": ["https://bucha.gov.ua"],
    "rate_limits": {"sensitive_writes_per_minute": 20, "requests_per_minute": 600},
}

EXAMPLES: dict[str, EventModel] = {
    AppealAssigned.event_type: AppealAssigned(**APPEAL_NOTICE),
    AppealExtended.event_type: AppealExtended(
        **APPEAL_NOTICE,
        previous_due_at="2026-04-10T08:30:00Z",
        days=10,
        reason="Потрібен виїзд на місце / A site visit is needed",
    ),
    AppealForwarded.event_type: AppealForwarded(
        **{**APPEAL_NOTICE, "status": "forwarded"},
        forwarded_to="Чернівецька ОДА",
        reason="Поза повноваженнями ради / Outside the council's powers",
    ),
    AppealReturned.event_type: AppealReturned(
        **{**APPEAL_NOTICE, "status": "returned"}, reason="Не вказано адресу об'єкта"
    ),
    AppealAnswered.event_type: AppealAnswered(
        **{**APPEAL_NOTICE, "status": "answered"},
        answer_summary="Ремонт заплановано на травень.",
        answered_at="2026-03-20T12:00:00Z",
        on_time=True,
    ),
    AppealClosed.event_type: AppealClosed(**{**APPEAL_NOTICE, "status": "closed"}),
    AppealReopened.event_type: AppealReopened(
        **{**APPEAL_NOTICE, "status": "reopened"}, reason="Скарга на відповідь"
    ),
    AppealDueSoon.event_type: AppealDueSoon(**APPEAL_NOTICE),
    AppealOverdue.event_type: AppealOverdue(**APPEAL_NOTICE),
    AppealRated.event_type: AppealRated(**{**APPEAL_NOTICE, "status": "answered"}, score=5),
    AppealRegistered.event_type: AppealRegistered(
        appeal_id="7f1c2a9e-3b7d-4f51-9a0e-2d6c1f0b8a11",
        number="CHERNIVTSI-2026-1",
        kind="statement",
        subject="Ремонт дороги",
        citizen_sub="citizen-1",
        citizen_name="Олена Коваль",
        email="olena@example.ua",
        received_at="2026-03-10T09:30:00Z",
        due_at="2026-04-10T08:30:00Z",
    ),
    TenantRegistered.event_type: TenantRegistered(
        slug="bucha",
        name=CouncilName(uk="Бучанська міська рада", en="Bucha City Council"),
        timezone="Europe/Kyiv",
        locale="uk",
        active=True,
        settings=PLATFORM_TENANT_SETTINGS,
    ),
    TenantUpdated.event_type: TenantUpdated(
        slug="bucha",
        name=CouncilName(uk="Бучанська міська рада"),
        timezone="Europe/Kyiv",
        locale="uk",
        active=False,
        settings={**PLATFORM_TENANT_SETTINGS, "petition_threshold": 100},
    ),
}


def test_every_registered_event_has_a_golden_example() -> None:
    assert set(event_type_registry()) == set(EXAMPLES)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_event_matches_golden_json(event_type: str) -> None:
    golden = json.loads((GOLDEN / f"{event_type}.json").read_text(encoding="utf-8"))
    assert EXAMPLES[event_type].model_dump(mode="json") == golden


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_event_ignores_unknown_fields_from_newer_producers(event_type: str) -> None:
    golden = json.loads((GOLDEN / f"{event_type}.json").read_text(encoding="utf-8"))
    model = event_type_registry()[event_type]
    parsed = model.model_validate({**golden, "added_in_a_later_minor": True})
    assert parsed == EXAMPLES[event_type]


def test_envelope_key_keeps_one_aggregate_in_order() -> None:
    envelope = EventEnvelope.wrap(
        EXAMPLES[AppealRegistered.event_type],
        source="/hromada/appeals",
        subject="a-1",
        tenant="uzhhorod",
    )
    assert envelope.key == "uzhhorod:a-1"
    assert envelope.type == "appeals.appeal.registered.v1"
    roundtrip = EventEnvelope.model_validate_json(envelope.model_dump_json())
    assert roundtrip.payload(AppealRegistered) == EXAMPLES[AppealRegistered.event_type]
