"""Projects: residents propose (submission phase) and support them (support phase); officials
review them (review phase) and report on building the funded ones (any time after results)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chassis.auth import Principal
from chassis.guards import require_citizen, require_staff_of
from chassis.problems import Problem
from contracts.budget import ImplementationUpdated, ProjectReviewed, ProjectSubmitted
from services.budget import events
from services.budget.ballots import SupportBox
from services.budget.cycle_use_cases import CycleUseCases
from services.budget.domain import cycle as rules
from services.budget.domain import project as projects_rules
from services.budget.domain.eligibility import require_strong_identity
from services.budget.domain.errors import RuleBroken
from services.budget.domain.project import ProjectDraft
from services.budget.domain.voter_key import account_key, voter_key
from services.budget.repository import ProjectRepository

NOT_FOUND = "Проєкту не знайдено / No such project."


class ProjectUseCases:
    def __init__(
        self,
        cycles: CycleUseCases,
        projects: ProjectRepository,
        supports: SupportBox,
        voter_secret: bytes,
        on_events_stored: Callable[[str], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.cycles = cycles
        self.projects = projects
        self.supports = supports
        self.voter_secret = voter_secret
        self.on_events_stored = on_events_stored
        self.clock = clock

    async def load(self, tenant: str, project_id: str) -> dict[str, Any]:
        project = await self.projects.get(tenant, project_id)
        if project is None:
            raise Problem(404, NOT_FOUND)
        return project

    async def submit_project(
        self,
        tenant: str,
        principal: Principal,
        cycle_id: str,
        draft: ProjectDraft,
        email: str | None,
    ) -> dict[str, Any]:
        require_citizen(principal)
        require_strong_identity(principal.acr)
        cycle = await self.cycles.get_cycle(tenant, cycle_id)
        now = self.clock()
        rules.require_open_for(cycle, "submit", now)
        projects_rules.validate_draft(cycle, draft)
        project_id, title, email = str(uuid.uuid4()), draft.title.strip(), email or principal.email
        doc: dict[str, Any] = {
            "_id": project_id,
            "tenant": tenant,
            "cycle_id": cycle_id,
            "title": title,
            "description": draft.description.strip(),
            "category": draft.category,
            "cost": draft.cost,
            "location": draft.location,
            "author_sub": principal.sub,
            "author_name": principal.name,
            "email": email,
            "submitted_at": now,
            "status": "submitted",
            "review": None,
            "images": [],
            "implementation": None,
        }
        event = ProjectSubmitted(
            project_id=project_id,
            cycle_id=cycle_id,
            title=title,
            category=draft.category,
            cost=draft.cost,
            author_sub=principal.sub,
            author_name=principal.name,
            email=email,
            at=now,
        )
        await self.projects.add(doc, [events.record(event, tenant, project_id)])
        self.on_events_stored(project_id)
        return await self.load(tenant, project_id)

    async def support_project(self, tenant: str, principal: Principal, project_id: str) -> int:
        """One support per person and project; the project's support count after it."""
        require_citizen(principal)
        require_strong_identity(principal.acr)
        project = await self.load(tenant, project_id)
        cycle = await self.cycles.get_cycle(tenant, project["cycle_id"])
        rules.require_open_for(cycle, "support", self.clock())
        # The same person supports once, whichever account; without an identifier, the account.
        key = (
            voter_key(self.voter_secret, principal.person_id)
            if principal.person_id
            else account_key(self.voter_secret, principal.sub)
        )
        await self.supports.add(tenant, cycle.id, project_id, key, self.clock())
        return await self.supports.count_of(tenant, cycle.id, project_id)

    async def review_project(
        self,
        tenant: str,
        principal: Principal,
        project_id: str,
        eligible: bool,
        reason: str,
        cost: int | None,
    ) -> dict[str, Any]:
        require_staff_of(principal, tenant)
        if not reason.strip():
            raise RuleBroken(422, "Give the reason of the decision.", "reason")
        project = await self.load(tenant, project_id)
        cycle = await self.cycles.get_cycle(tenant, project["cycle_id"])
        now = self.clock()
        rules.require_open_for(cycle, "review", now)
        supports = await self.supports.count_of(tenant, cycle.id, project_id)
        projects_rules.require_reviewable(
            project["status"], supports, cycle.rules.support_threshold, eligible
        )
        final_cost = project["cost"] if cost is None else cost
        category = cycle.category(project["category"])
        if eligible and category is not None:
            projects_rules.require_cost_fits(final_cost, category.max_project_cost)
        status = "eligible" if eligible else "ineligible"
        review = {"eligible": eligible, "reason": reason, "by": principal.sub, "at": now}
        event = ProjectReviewed(
            project_id=project_id,
            cycle_id=cycle.id,
            title=project["title"],
            eligible=eligible,
            reason=reason,
            cost=final_cost,
            author_sub=project["author_sub"],
            author_name=project["author_name"],
            email=project.get("email"),
            at=now,
        )
        fields = {"status": status, "review": review, "cost": final_cost}
        await self._update(tenant, project, fields, [events.record(event, tenant, project_id)])
        return await self.load(tenant, project_id)

    async def update_implementation(
        self,
        tenant: str,
        principal: Principal,
        project_id: str,
        status: str,
        progress: int,
        note: str,
    ) -> dict[str, Any]:
        require_staff_of(principal, tenant)
        project = await self.load(tenant, project_id)
        projects_rules.require_implementation_update(status, progress, project["status"])
        await self.require_funded(tenant, project)
        now = self.clock()
        update = {"status": status, "progress": progress, "note": note, "by": principal.sub}
        implementation = {"status": status, "progress": progress, "updated_at": now}
        event = ImplementationUpdated(
            project_id=project_id,
            cycle_id=project["cycle_id"],
            title=project["title"],
            status=status,
            progress=progress,
            note=note,
            author_sub=project["author_sub"],
            author_name=project["author_name"],
            email=project.get("email"),
            at=now,
        )
        await self._update(
            tenant,
            project,
            {"implementation": implementation},
            [events.record(event, tenant, project_id)],
            push={"implementation_log": {**update, "at": now}},
        )
        return await self.load(tenant, project_id)

    async def require_funded(self, tenant: str, project: dict[str, Any]) -> None:
        _cycle, _version, results = await self.cycles.load(tenant, project["cycle_id"])
        funded = {
            ranked["id"]
            for category in results.get("categories", [])
            for ranked in category["ranking"]
            if ranked["funded"]
        }
        if project["_id"] not in funded:
            raise RuleBroken(
                409, "Проєкт не фінансується / Only a funded project is built (see the results)."
            )

    async def add_file(
        self, tenant: str, principal: Principal, project: dict[str, Any], record: dict[str, Any]
    ) -> None:
        """An image of the proposal (its author, while submissions are open) or a photo of
        the works (staff, once the project is funded)."""
        array = "images"
        if principal.is_staff_of(tenant):
            await self.require_funded(tenant, project)
            array = "photos"
        await self._update(tenant, project, {}, [], push={array: record})

    async def _update(
        self,
        tenant: str,
        project: dict[str, Any],
        fields: dict[str, Any],
        outbox: list[dict[str, Any]],
        push: dict[str, Any] | None = None,
    ) -> None:
        ok = await self.projects.update(
            tenant, project["_id"], project.get("version", 1), fields, outbox, push
        )
        if not ok:
            raise Problem(409, "The project was changed meanwhile; read it again and retry.")
        if outbox:
            self.on_events_stored(project["_id"])

    async def may_add_file(self, tenant: str, principal: Principal, project_id: str) -> dict:
        """The project, if this caller may add a file to it now."""
        project = await self.load(tenant, project_id)
        if principal.is_staff_of(tenant):
            await self.require_funded(tenant, project)
            return project
        if principal.sub != project["author_sub"]:
            raise Problem(403, "Only the project's author or the council's staff add files.")
        cycle = await self.cycles.get_cycle(tenant, project["cycle_id"])
        rules.require_open_for(cycle, "submit", self.clock())
        return project
