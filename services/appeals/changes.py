"""Applying one change to one appeal: run the pure rule, append the audit entry, and store the
appeal, the entry and the event in ONE update guarded by the version that was read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog

from chassis.problems import FieldError, Problem
from chassis.write_guard import DocumentLocks
from services.appeals.domain import (
    Actor,
    Appeal,
    Change,
    IllegalTransition,
    RuleViolation,
    next_entry,
)
from services.appeals.domain.clock import stored_precision
from services.appeals.events import event_for, to_outbox
from services.appeals.repository import AppealRepository

MAX_ATTEMPTS = 5
log = structlog.get_logger("appeals")

Rule = Callable[[Appeal, datetime], Change]


def as_problem(error: IllegalTransition | RuleViolation) -> Problem:
    if isinstance(error, IllegalTransition):
        return Problem(409, str(error), errors=[FieldError("status", error.state)])
    return Problem(
        422, f"{error.field}: {error.message}", errors=[FieldError(error.field, error.message)]
    )


class ChangeApplier:
    def __init__(
        self,
        repository: AppealRepository,
        on_events_stored: Callable[[str], None],
        clock: Callable[[], datetime],
        locks: DocumentLocks | None = None,
    ) -> None:
        self.repository = repository
        self.locks = locks or DocumentLocks()
        self.on_events_stored = on_events_stored
        self.clock = clock

    async def apply(
        self,
        tenant: str,
        appeal_id: str,
        actor: Actor,
        authorize: Callable[[Appeal], None],
        rule: Rule,
    ) -> Appeal:
        """Load, check who may act, apply the rule, store; re-read and re-apply if another
        change won the race (the rule is re-checked against the newer state)."""
        for _ in range(MAX_ATTEMPTS):
            appeal = await self.repository.get(tenant, appeal_id)
            if appeal is None:
                raise Problem(404, "No such appeal.")
            authorize(appeal)
            now = stored_precision(self.clock())
            try:
                change = rule(appeal, now)
            except (IllegalTransition, RuleViolation) as error:
                raise as_problem(error) from error
            entry = next_entry(appeal.audit, now, actor, change.action, change.details)
            event = event_for(appeal, change, now)
            outbox = [to_outbox(appeal, event)] if event else []
            async with self.locks.hold(appeal.id):
                saved = await self.repository.save_change(appeal, entry, outbox)
            if saved:
                appeal.audit.append(entry)
                appeal.version += 1
                if outbox:
                    self.on_events_stored(appeal.id)
                log.info(f"appeal.{change.action}", appeal_id=appeal.id, status=appeal.status)
                return appeal
        raise Problem(409, "The appeal was changed by someone else meanwhile; please retry.")


def actor_of(sub: str, roles: frozenset[str], name: str) -> Actor:
    role = next((r for r in ("tenant_admin", "official", "citizen") if r in roles), "unknown")
    return Actor(sub=sub, role=role, name=name)
