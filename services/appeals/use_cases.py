"""Use cases of the e-Reception: each takes plain input and returns the domain result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from chassis.auth import Principal
from chassis.outbox import outbox_record
from chassis.problems import Problem
from contracts.appeals import AppealRegistered
from contracts.envelope import EventEnvelope
from services.appeals.domain import (
    Appeal,
    AppealDraft,
    AppealRejected,
    format_number,
    registration_year,
    validate_draft,
)
from services.appeals.repository import AppealRepository, NumberTaken

SOURCE = "/hromada/appeals"
MAX_NUMBER_ATTEMPTS = 50
log = structlog.get_logger("appeals")


class AppealUseCases:
    def __init__(
        self,
        repository: AppealRepository,
        timezone: str,
        on_events_stored: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self.timezone = timezone
        self.on_events_stored = on_events_stored
        self.clock = clock

    async def submit_appeal(self, tenant: str, author: Principal, draft: AppealDraft) -> Appeal:
        """Validate, number and register an appeal; its registration event goes out via the
        outbox. Nothing is stored (and no number is used) if the appeal is invalid."""
        if not author.has_role("citizen"):
            raise Problem(403, "Only a citizen can file an appeal.")
        errors = validate_draft(draft)
        if errors:
            raise AppealRejected(errors)
        received_at = self.clock()
        year = registration_year(received_at, self.timezone)
        for _ in range(MAX_NUMBER_ATTEMPTS):
            seq = await self.repository.next_number_seq(tenant, year)
            appeal = Appeal.register(
                draft,
                tenant=tenant,
                citizen_sub=author.sub,
                number=format_number(tenant, year, seq),
                received_at=received_at,
                timezone=self.timezone,
            )
            try:
                await self.repository.add(appeal, [self._registered_event(appeal)])
                break
            except NumberTaken:
                continue  # the counter's value was a candidate; the unique index decided
        else:
            raise Problem(503, "Could not allocate a registration number; please retry.")
        self.on_events_stored()
        log.info("appeal.registered", appeal_id=appeal.id, number=appeal.number)
        return appeal

    @staticmethod
    def _registered_event(appeal: Appeal) -> dict[str, object]:
        event = AppealRegistered(
            appeal_id=appeal.id,
            number=appeal.number,
            kind=appeal.kind,  # type: ignore[arg-type]
            subject=appeal.subject,
            citizen_sub=appeal.citizen_sub,
            citizen_name=appeal.citizen_name,
            email=appeal.email,
            received_at=appeal.received_at,
            due_at=appeal.due_at,
        )
        envelope = EventEnvelope.wrap(event, source=SOURCE, subject=appeal.id, tenant=appeal.tenant)
        return outbox_record(envelope, event.topic)

    async def get_appeal(self, tenant: str, viewer: Principal, appeal_id: str) -> Appeal:
        """The author sees their appeal; the council's staff see the council's appeals.
        Anyone else gets the same 404 as for a missing appeal, so ids reveal nothing."""
        appeal = await self.repository.get(tenant, appeal_id)
        if appeal is None or not (appeal.citizen_sub == viewer.sub or viewer.is_staff_of(tenant)):
            raise Problem(404, "No such appeal.")
        return appeal
