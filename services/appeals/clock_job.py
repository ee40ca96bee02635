"""The statutory clock: a periodic job, run by one leader across replicas, that announces
`due_soon` (N working days before the due date) and `overdue` once per appeal and due date.

Once-only: the appeal records the due date each notice was sent for (`due_soon_for`,
`overdue_for`) in the same audited, versioned update as the event; an extension moves the
due date, so the notices apply again to the new date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import structlog

from chassis.lease import LeaderLease, run_as_leader
from chassis.problems import Problem
from chassis.tracing import untraced
from services.appeals.changes import ChangeApplier
from services.appeals.domain import OPEN_STATUSES, SYSTEM, Appeal, Change, IllegalTransition
from services.appeals.domain import workflow as wf
from services.appeals.domain.clock import is_due_soon
from services.appeals.policy import PolicyRepository
from services.appeals.repository import AppealRepository

log = structlog.get_logger("appeals.clock")
# Far enough ahead to cover N working days plus weekends and a holiday run.
LOOKAHEAD = timedelta(days=21)
BATCH = 500


def clock_rule(
    timezone: str, holidays: list[date], working_days: int
) -> Callable[[Appeal, datetime], Change]:
    def rule(appeal: Appeal, now: datetime) -> Change:
        if appeal.status not in OPEN_STATUSES:
            raise IllegalTransition("notice", appeal.status)
        if now >= appeal.due_at and appeal.overdue_for != appeal.due_at:
            return wf.note_overdue(appeal)
        if appeal.due_soon_for != appeal.due_at and is_due_soon(
            appeal.due_at, now, timezone, holidays, working_days
        ):
            return wf.note_due_soon(appeal)
        raise IllegalTransition("notice", appeal.status, "Nothing to announce.")

    return rule


class StatutoryClock:
    def __init__(
        self,
        repository: AppealRepository,
        policies: PolicyRepository,
        changes: ChangeApplier,
        lease: LeaderLease,
        interval_s: float,
        due_soon_working_days: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self.policies = policies
        self.changes = changes
        self.lease = lease
        self.interval_s = interval_s
        self.working_days = due_soon_working_days
        self.clock = clock

    async def run(self) -> None:
        await run_as_leader(self.lease, self.interval_s, self.tick, "appeals.clock")

    async def tick(self) -> int:
        """Announce what is due soon or overdue now; returns how many notices were stored."""
        sent = 0
        now = self.clock()
        with untraced():
            candidates = await self.repository.clock_candidates(now + LOOKAHEAD, BATCH)
        rules: dict[str, Any] = {}
        for tenant, appeal_id in candidates:
            if tenant not in rules:
                policy = await self.policies.get(tenant)
                rules[tenant] = clock_rule(policy.timezone, policy.holidays, self.working_days)
            try:
                await self.changes.apply(tenant, appeal_id, SYSTEM, lambda _: None, rules[tenant])
                sent += 1
            except Problem:
                continue  # nothing due yet, or the appeal moved on meanwhile
        if sent:
            log.info("clock.notices_stored", count=sent)
        return sent
