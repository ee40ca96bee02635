"""Golden examples of the appeals service's and the platform's events."""

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
from contracts.envelope import EventModel
from contracts.platform import CouncilName, TenantRegistered, TenantUpdated

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
        phone="+380501234567",
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
