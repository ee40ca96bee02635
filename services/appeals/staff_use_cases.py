"""The staff workflow: officials and tenant admins of the council route, extend, forward,
return, answer, close and reopen appeals. Each action is one guarded, audited change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chassis.auth import Principal
from chassis.problems import Problem
from services.appeals.changes import ChangeApplier, actor_of
from services.appeals.domain import Appeal, Change
from services.appeals.domain import workflow as wf
from services.appeals.policy import PolicyRepository, TenantPolicy


class StaffUseCases:
    def __init__(self, changes: ChangeApplier, policies: PolicyRepository | None, timezone: str):
        self.changes = changes
        self.policies = policies
        self.timezone = timezone

    async def _policy(self, tenant: str) -> TenantPolicy:
        if self.policies is None:
            return TenantPolicy(timezone=self.timezone)
        return await self.policies.get(tenant)

    async def _act(
        self,
        tenant: str,
        staff: Principal,
        appeal_id: str,
        rule: Callable[[Appeal, datetime, str], Change],
    ) -> Appeal:
        """Only the council's own staff act; its author gets 403, anyone else 404 (as if the
        appeal did not exist, so another council's official learns nothing)."""

        def authorize(appeal: Appeal) -> None:
            if not staff.is_staff_of(tenant):
                if appeal.citizen_sub == staff.sub:
                    raise Problem(403, "Only the council's staff can do this.")
                raise Problem(404, "No such appeal.")

        if not staff.is_staff_of(tenant) and not staff.has_role("citizen"):
            raise Problem(404, "No such appeal.")
        timezone = (await self._policy(tenant)).timezone
        actor = actor_of(staff.sub, staff.roles, staff.name)
        return await self.changes.apply(
            tenant,
            appeal_id,
            actor,
            authorize,
            lambda appeal, now: rule(appeal, now, timezone),
        )

    def _actor(self, staff: Principal) -> wf.Actor:
        return actor_of(staff.sub, staff.roles, staff.name)

    async def assign(
        self, tenant: str, staff: Principal, appeal_id: str, department: str, assignee: str | None
    ) -> Appeal:
        actor = self._actor(staff)
        return await self._act(
            tenant,
            staff,
            appeal_id,
            lambda a, now, tz: wf.assign(a, actor, now, department, assignee),
        )

    async def mark_simple(self, tenant: str, staff: Principal, appeal_id: str) -> Appeal:
        actor = self._actor(staff)
        return await self._act(
            tenant, staff, appeal_id, lambda a, now, tz: wf.mark_simple(a, actor, now, tz)
        )

    async def extend(
        self, tenant: str, staff: Principal, appeal_id: str, days: int, reason: str
    ) -> Appeal:
        actor = self._actor(staff)
        return await self._act(
            tenant, staff, appeal_id, lambda a, now, tz: wf.extend(a, actor, now, tz, days, reason)
        )

    async def forward(
        self, tenant: str, staff: Principal, appeal_id: str, to: str, reason: str
    ) -> Appeal:
        actor = self._actor(staff)
        return await self._act(
            tenant, staff, appeal_id, lambda a, now, tz: wf.forward(a, actor, now, tz, to, reason)
        )

    async def return_appeal(
        self, tenant: str, staff: Principal, appeal_id: str, reason: str
    ) -> Appeal:
        actor = self._actor(staff)
        return await self._act(
            tenant, staff, appeal_id, lambda a, now, tz: wf.return_appeal(a, actor, now, tz, reason)
        )

    async def answer(self, tenant: str, staff: Principal, appeal_id: str, text: str) -> Appeal:
        actor = self._actor(staff)
        return await self._act(
            tenant, staff, appeal_id, lambda a, now, tz: wf.answer(a, actor, now, text)
        )

    async def close(self, tenant: str, staff: Principal, appeal_id: str) -> Appeal:
        actor = self._actor(staff)
        return await self._act(tenant, staff, appeal_id, lambda a, now, tz: wf.close(a, actor, now))

    async def reopen(self, tenant: str, staff: Principal, appeal_id: str, reason: str) -> Appeal:
        actor = self._actor(staff)
        return await self._act(
            tenant, staff, appeal_id, lambda a, now, tz: wf.reopen(a, actor, now, tz, reason)
        )

    async def set_priority(
        self, tenant: str, staff: Principal, appeal_id: str, priority: bool, reason: str
    ) -> Appeal:
        actor = self._actor(staff)
        return await self._act(
            tenant,
            staff,
            appeal_id,
            lambda a, now, tz: wf.set_priority(a, actor, now, priority, reason),
        )
