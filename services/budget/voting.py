"""Voting: a resident online, or ASC staff entering a paper vote. Both reduce the person to
the same voter key and cast into the same vote box, so the unique indexes decide: one vote per
project, never more than the cycle allows, whichever channel came first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chassis.auth import Principal
from chassis.guards import require_citizen, require_staff_of
from chassis.problems import Problem
from services.budget.ballots import VoteBox
from services.budget.cycle_use_cases import CycleUseCases
from services.budget.domain import cycle as rules
from services.budget.domain.cycle import Cycle
from services.budget.domain.eligibility import Person, require_strong_identity, require_voter
from services.budget.domain.errors import RuleBroken
from services.budget.domain.voter_key import voter_key
from services.budget.project_use_cases import ProjectUseCases
from services.budget.proofs import ProofRepository
from services.budget.read_cache import TtlCache

NO_PERSON_ID = (
    "Ідентифікатор особи не отримано від надавача ідентифікації / The identity provider "
    "did not give a verified national identifier (person_id); voting needs it."
)


class VotingUseCases:
    def __init__(
        self,
        cycles: CycleUseCases,
        projects: ProjectUseCases,
        votes: VoteBox,
        proofs: ProofRepository,
        voter_secret: bytes,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.cycles = cycles
        self.projects = projects
        self.votes = votes
        self.proofs = proofs
        self.voter_secret = voter_secret
        self.clock = clock
        self.on_ballot: TtlCache[dict[str, Any]] = TtlCache(None, max_entries=50_000)

    async def _ballot_project(self, tenant: str, cycle: Cycle, project_id: str) -> dict:
        project = self.on_ballot.get(f"{tenant}:{project_id}")
        if project is None:
            project = await self.projects.projects.get(tenant, project_id)
            if project is not None and project["status"] == "eligible":
                keep = ("_id", "cycle_id", "category", "status")
                self.on_ballot.put(f"{tenant}:{project_id}", {k: project[k] for k in keep})
        if project is None or project["cycle_id"] != cycle.id:
            raise RuleBroken(404, "Проєкту немає в цьому циклі / No such project in this cycle.")
        if project["status"] != "eligible":
            raise RuleBroken(
                409, f"The project is not on the ballot (status: {project['status']})."
            )
        return project

    async def vote_online(
        self, tenant: str, principal: Principal, cycle_id: str, project_id: str
    ) -> dict[str, Any]:
        require_citizen(principal)
        cycle = await self.cycles.cycle_for_vote(tenant, cycle_id)
        now = self.clock()
        rules.require_open_for(cycle, "vote", now)
        require_strong_identity(principal.acr)
        if not principal.person_id:
            raise Problem(403, NO_PERSON_ID)
        try:
            key = voter_key(self.voter_secret, principal.person_id)
        except RuleBroken as bad:
            raise Problem(403, NO_PERSON_ID) from bad
        proofs: frozenset[str] = frozenset()
        if principal.residence != tenant:  # residents need no look-up
            proofs = await self.proofs.approved_kinds(tenant, principal.sub)
        person = Person(principal.acr, principal.birthdate, principal.residence, proofs)
        ground = require_voter(person, tenant, cycle.rules, rules.voting_starts(cycle))
        project = await self._ballot_project(tenant, cycle, project_id)
        return await self._cast(cycle, key, project, "online", ground, now, None)

    async def vote_offline(
        self,
        tenant: str,
        principal: Principal,
        cycle_id: str,
        project_id: str,
        document_ref: str,
        birthdate: str,
        ground: str,
    ) -> dict[str, Any]:
        """ASC staff saw the passport (and the proof of the ground) in person."""
        require_staff_of(principal, tenant)
        cycle = await self.cycles.get_cycle(tenant, cycle_id)
        now = self.clock()
        rules.require_open_for(cycle, "vote", now)
        key = voter_key(self.voter_secret, document_ref)
        person = Person(
            acr="high",
            birthdate=birthdate,
            residence=tenant if ground == "residence" else None,
            approved_proofs=frozenset({ground}),
        )
        if ground not in cycle.rules.eligibility:
            accepted = ", ".join(cycle.rules.eligibility)
            raise RuleBroken(422, f"This cycle accepts: {accepted}.", "ground")
        require_voter(person, tenant, cycle.rules, rules.voting_starts(cycle))
        project = await self._ballot_project(tenant, cycle, project_id)
        return await self._cast(cycle, key, project, "offline", ground, now, principal.sub)

    async def _cast(
        self,
        cycle: Cycle,
        key: str,
        project: dict[str, Any],
        channel: str,
        ground: str,
        now: datetime,
        entered_by: str | None,
    ) -> dict[str, Any]:
        vote = await self.votes.cast(
            tenant=cycle.tenant,
            cycle_id=cycle.id,
            voter_key=key,
            project_id=project["_id"],
            category=project["category"],
            votes_per_voter=cycle.rules.votes_per_voter,
            votes_per_category=cycle.rules.votes_per_category,
            channel=channel,
            ground=ground,
            at=now,
            entered_by=entered_by,
        )
        # The receipt names no one: not the voter key, not the seat.
        return {
            "cycle_id": cycle.id,
            "project_id": project["_id"],
            "category": project["category"],
            "channel": channel,
            "at": vote["at"],
        }

    async def my_votes(self, tenant: str, principal: Principal, cycle_id: str) -> list[str]:
        require_citizen(principal)
        await self.cycles.get_cycle(tenant, cycle_id)
        try:
            key = voter_key(self.voter_secret, principal.person_id or "")
        except RuleBroken:
            return []  # no usable identifier: this account cannot have voted
        return await self.votes.mine(tenant, cycle_id, key)
