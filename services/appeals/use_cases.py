"""Citizen-side use cases of the e-Reception: file, read, list and rate appeals; read and
verify an appeal's audit trail (staff)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from chassis.auth import Principal
from chassis.problems import FieldError, Problem, invalid
from chassis.write_guard import DocumentLocks
from services.appeals.category_repository import CategoryRepository
from services.appeals.changes import ChangeApplier, actor_of
from services.appeals.domain import (
    Appeal,
    AppealDraft,
    AppealRejected,
    first_broken_seq,
    format_number,
    next_entry,
    registration_year,
    validate_draft,
    workflow,
)
from services.appeals.domain.clock import stored_precision
from services.appeals.domain.similarity import REPEAT_WINDOW, find_likely_repeat
from services.appeals.events import registered_event, to_outbox
from services.appeals.listing import (
    BadCursor,
    ListFilters,
    build_query,
    encode_cursor,
    plan_day_walk,
)
from services.appeals.policy import PolicyRepository, TenantPolicy
from services.appeals.repository import AppealRepository, NumberTaken

MAX_NUMBER_ATTEMPTS = 50
log = structlog.get_logger("appeals")


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


class AppealUseCases:
    def __init__(
        self,
        repository: AppealRepository,
        timezone: str,
        on_events_stored: Callable[[str], None] = lambda appeal_id: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        categories: CategoryRepository | None = None,
        policies: PolicyRepository | None = None,
        locks: DocumentLocks | None = None,
    ) -> None:
        self.repository = repository
        self.timezone = timezone
        self.on_events_stored = on_events_stored
        self.clock = clock
        self.categories = categories
        self.policies = policies
        self.changes = ChangeApplier(repository, on_events_stored, clock, locks)

    async def policy(self, tenant: str) -> TenantPolicy:
        if self.policies is None:
            return TenantPolicy(timezone=self.timezone)
        return await self.policies.get(tenant)

    async def submit_appeal(self, tenant: str, author: Principal, draft: AppealDraft) -> Appeal:
        """Validate, number and register an appeal; its registration event goes out via the
        outbox. Nothing is stored (and no number is used) if the appeal is invalid."""
        if not author.has_role("citizen"):
            raise Problem(403, "Only a citizen can file an appeal.")
        timezone = (await self.policy(tenant)).timezone
        received_at = stored_precision(self.clock())
        errors = validate_draft(draft, today=received_at.astimezone(ZoneInfo(timezone)).date())
        errors += await self._category_errors(tenant, draft.category)
        if errors:
            raise AppealRejected(errors)
        earlier = await self.repository.recent_by_citizen(
            tenant, author.sub, received_at - REPEAT_WINDOW
        )
        repeat = find_likely_repeat(draft.subject, received_at, earlier)
        year = registration_year(received_at, timezone)
        actor = actor_of(author.sub, author.roles, author.name)
        for _ in range(MAX_NUMBER_ATTEMPTS):
            seq = await self.repository.next_number_seq(tenant, year)
            appeal = Appeal.register(
                draft,
                tenant=tenant,
                citizen_sub=author.sub,
                number=format_number(tenant, year, seq),
                received_at=received_at,
                timezone=timezone,
            )
            if repeat is not None:
                appeal.possible_repeat_of = {"id": repeat.id, "number": repeat.number}
            appeal.audit.append(
                next_entry([], received_at, actor, "register", _registration_details(appeal))
            )
            try:
                await self.repository.add(appeal, [to_outbox(appeal, registered_event(appeal))])
                break
            except NumberTaken:
                continue  # the counter's value was a candidate; the unique index decided
        else:
            raise Problem(503, "Could not allocate a registration number; please retry.")
        self.on_events_stored(appeal.id)
        log.info("appeal.registered", appeal_id=appeal.id, number=appeal.number)
        return appeal

    async def _category_errors(self, tenant: str, code: str | None) -> list[FieldError]:
        if code is None or self.categories is None:
            return []
        category = await self.categories.get(tenant, code)
        if category is None or not category.active:
            return [FieldError("category", "is not an active category of this council")]
        return []

    async def get_appeal(self, tenant: str, viewer: Principal, appeal_id: str) -> Appeal:
        """The author sees their appeal; the council's staff see the council's appeals.
        Anyone else gets the same 404 as for a missing appeal, so ids reveal nothing."""
        appeal = await self.repository.get(tenant, appeal_id)
        if appeal is None or not (appeal.citizen_sub == viewer.sub or viewer.is_staff_of(tenant)):
            raise Problem(404, "No such appeal.")
        return appeal

    async def list_appeals(
        self, tenant: str, viewer: Principal, filters: ListFilters, limit: int, cursor: str | None
    ) -> Page:
        """Staff see the council's appeals; a citizen only their own (staff filters ignored)."""
        if not viewer.is_staff_of(tenant):
            filters = ListFilters(status=filters.status, citizen_sub=viewer.sub)
        now = self.clock()
        try:
            query = build_query(tenant, filters, now, cursor)
            walk = plan_day_walk(filters, now, cursor)
        except BadCursor as exc:
            raise invalid("cursor", "is not a cursor this service issued") from exc
        docs = await self.repository.find_page(query, limit + 1, walk)
        more = len(docs) > limit
        docs = docs[:limit]
        return Page(docs, encode_cursor(docs[-1]) if more and docs else None)

    async def rate_appeal(
        self, tenant: str, author: Principal, appeal_id: str, score: int, comment: str | None
    ) -> Appeal:
        def authorize(appeal: Appeal) -> None:
            if appeal.citizen_sub != author.sub:
                if author.is_staff_of(tenant):
                    raise Problem(403, "Only the author rates the answer.")
                raise Problem(404, "No such appeal.")

        return await self.changes.apply(
            tenant,
            appeal_id,
            actor_of(author.sub, author.roles, author.name),
            authorize,
            lambda appeal, now: workflow.rate(appeal, now, score, comment),
        )

    async def audit_trail(self, tenant: str, viewer: Principal, appeal_id: str) -> Appeal:
        appeal = await self.repository.get(tenant, appeal_id)
        if appeal is None or not viewer.is_staff_of(tenant):
            if appeal is not None and appeal.citizen_sub == viewer.sub:
                raise Problem(403, "The audit trail is for the council's staff.")
            raise Problem(404, "No such appeal.")
        return appeal

    async def verify_audit(self, tenant: str, viewer: Principal, appeal_id: str) -> int | None:
        """The seq of the first broken link of the appeal's audit chain, or None if intact."""
        return first_broken_seq((await self.audit_trail(tenant, viewer, appeal_id)).audit)


def _registration_details(appeal: Appeal) -> dict[str, Any]:
    return {
        "number": appeal.number,
        "kind": appeal.kind,
        "subject": appeal.subject,
        "due_at": appeal.due_at,
        "late_complaint": appeal.late_complaint,
        "possible_repeat_of": (appeal.possible_repeat_of or {}).get("number"),
    }
