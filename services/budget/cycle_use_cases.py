"""Cycles: create, read, advance by hand, pause and resume, and announce what the dates did.

`announce` is the one place a phase change becomes an event: it compares the phase now with
the last one announced, and on reaching the results phase counts the votes, fixes the results
on the cycle and publishes them, all in one versioned single-document write. The phase job
calls it for every cycle; a change by hand calls it at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import structlog

from chassis.auth import Principal
from chassis.guards import require_tenant_admin_of
from chassis.problems import Problem
from services.budget import events
from services.budget.ballots import VoteBox
from services.budget.domain import cycle as rules
from services.budget.domain.cycle import Category, Cycle, Rules
from services.budget.domain.errors import RuleBroken
from services.budget.domain.results import Candidate, CategoryResult, compute_results
from services.budget.read_cache import CYCLE_TTL_S, TtlCache
from services.budget.repository import CycleRepository, ProjectRepository
from services.budget.tenant_settings import TenantSettingsReader

log = structlog.get_logger("budget.cycles")
SAVE_ATTEMPTS = 5


def results_snapshot(results: list[CategoryResult], votes: int, at: datetime) -> dict[str, Any]:
    return {
        "published_at": at,
        "votes": votes,
        "categories": [
            {
                "code": r.code,
                "title": r.title,
                "funds": r.funds,
                "allocated": r.allocated,
                "ranking": [p.__dict__ for p in r.ranking],
            }
            for r in results
        ],
    }


class CycleUseCases:
    def __init__(
        self,
        cycles: CycleRepository,
        projects: ProjectRepository,
        votes: VoteBox,
        tenant_settings: TenantSettingsReader,
        on_events_stored: Callable[[str], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.cycles = cycles
        self.projects = projects
        self.votes = votes
        self.tenant_settings = tenant_settings
        self.on_events_stored = on_events_stored
        self.clock = clock
        self.recent: TtlCache[Cycle] = TtlCache(CYCLE_TTL_S)

    async def default_rules(self, tenant: str) -> Rules:
        """A new cycle's rules before its own: the council's settings, else the law's defaults."""
        settings = await self.tenant_settings.settings_of(tenant)
        base = Rules()
        return replace(
            base,
            min_age=int(settings.get("budget_min_voter_age") or base.min_age),
            votes_per_voter=int(settings.get("budget_votes_per_voter") or base.votes_per_voter),
        )

    async def create_cycle(
        self,
        tenant: str,
        principal: Principal,
        year: int,
        title: str,
        categories: list[Category],
        rule_overrides: dict[str, Any],
        phases: dict[str, tuple[datetime, datetime]],
    ) -> Cycle:
        require_tenant_admin_of(principal, tenant)
        rules.validate_phases(phases)
        if not categories:
            raise RuleBroken(422, "A cycle needs at least one category.", "categories")
        codes = [c.code for c in categories]
        if len(set(codes)) != len(codes):
            raise RuleBroken(422, "Category codes must be unique.", "categories")
        for c in categories:
            if c.funds <= 0 or c.max_project_cost <= 0 or c.max_project_cost > c.funds:
                raise RuleBroken(
                    422,
                    "Funds and the maximum project cost must be positive, the maximum no more "
                    "than the funds.",
                    f"categories.{c.code}",
                )
        cycle_rules = replace(await self.default_rules(tenant), **rule_overrides)
        unknown = set(cycle_rules.eligibility) - set(rules.ELIGIBILITY_KINDS)
        if unknown or not cycle_rules.eligibility:
            raise RuleBroken(
                422,
                f"Eligibility: one or more of {', '.join(rules.ELIGIBILITY_KINDS)}.",
                "rules.eligibility",
            )
        cycle = Cycle(
            id=str(uuid.uuid4()),
            tenant=tenant,
            year=year,
            title=title,
            categories=tuple(categories),
            rules=cycle_rules,
            phases=phases,
            created_at=self.clock(),
        )
        await self.cycles.add(cycle, [])
        await self.announce(tenant, cycle.id)  # a cycle created mid-way announces its phase
        return await self.get_cycle(tenant, cycle.id)

    async def load(self, tenant: str, cycle_id: str) -> tuple[Cycle, int, dict[str, Any]]:
        found = await self.cycles.get(tenant, cycle_id)
        if found is None:
            raise Problem(404, "Циклу не знайдено / No such budget cycle.")
        return found

    async def get_cycle(self, tenant: str, cycle_id: str) -> Cycle:
        return (await self.load(tenant, cycle_id))[0]

    async def cycle_for_vote(self, tenant: str, cycle_id: str) -> Cycle:
        """The cycle as of at most CYCLE_TTL_S ago (the voting hot path; see read_cache)."""
        key = f"{tenant}:{cycle_id}"
        cycle = self.recent.get(key)
        if cycle is None:
            cycle = await self.get_cycle(tenant, cycle_id)
            self.recent.put(key, cycle)
        return cycle

    async def _change(
        self,
        tenant: str,
        principal: Principal,
        cycle_id: str,
        change: Callable[[Cycle, datetime], tuple[Cycle, list[dict[str, Any]]]],
    ) -> Cycle:
        """Apply an administrator's change and its events, retrying if the job wrote first."""
        require_tenant_admin_of(principal, tenant)
        for _ in range(SAVE_ATTEMPTS):
            cycle, version, _results = await self.load(tenant, cycle_id)
            changed, outbox = change(cycle, self.clock())
            if await self.cycles.save(changed, version, outbox):
                self.recent.drop(f"{tenant}:{cycle_id}")
                if outbox:
                    self.on_events_stored(cycle_id)
                await self.announce(tenant, cycle_id, by_hand=True)
                return await self.get_cycle(tenant, cycle_id)
        raise Problem(409, "The cycle is being changed right now; try again.")

    async def advance_phase(
        self, tenant: str, principal: Principal, cycle_id: str, phase: str
    ) -> Cycle:
        return await self._change(
            tenant, principal, cycle_id, lambda c, now: (rules.advance(c, phase, now), [])
        )

    async def pause_cycle(self, tenant: str, principal: Principal, cycle_id: str) -> Cycle:
        def change(cycle: Cycle, now: datetime) -> tuple[Cycle, list[dict[str, Any]]]:
            phase = rules.current_phase(cycle, now)
            return rules.pause(cycle, now), [events.paused(cycle, phase, now)]

        return await self._change(tenant, principal, cycle_id, change)

    async def resume_cycle(self, tenant: str, principal: Principal, cycle_id: str) -> Cycle:
        def change(cycle: Cycle, now: datetime) -> tuple[Cycle, list[dict[str, Any]]]:
            paused_for = int((now - cycle.paused_at).total_seconds()) if cycle.paused_at else 0
            resumed = rules.resume(cycle, now)
            phase = rules.current_phase(resumed, now)
            return resumed, [events.resumed(resumed, phase, paused_for, now)]

        return await self._change(tenant, principal, cycle_id, change)

    async def count_results(self, cycle: Cycle) -> tuple[list[CategoryResult], int]:
        """Rank the eligible projects by a recount of the vote documents."""
        counts = await self.votes.counts(cycle.tenant, cycle.id)
        candidates = [
            Candidate(p["_id"], p["title"], p["category"], p["cost"], p["submitted_at"])
            for p in await self.projects.of_cycle(cycle.tenant, cycle.id)
            if p.get("status") == "eligible"
        ]
        results = compute_results(cycle.categories, candidates, counts)
        return results, sum(counts.values())

    async def announce(self, tenant: str, cycle_id: str, by_hand: bool = False) -> bool:
        """Store the events of what happened since the last announcement; True if any."""
        for _ in range(SAVE_ATTEMPTS):
            cycle, version, _results = await self.load(tenant, cycle_id)
            now = self.clock()
            phase = rules.current_phase(cycle, now)
            outbox: list[dict[str, Any]] = []
            extra: dict[str, Any] = {}
            if phase != cycle.announced_phase:
                outbox.append(
                    events.phase_changed(cycle, cycle.announced_phase, phase, by_hand, now)
                )
                cycle = replace(cycle, announced_phase=phase)
            reached_results = rules.phase_index(phase) >= rules.phase_index("results")
            if reached_results and not cycle.results_published:
                results, votes = await self.count_results(cycle)
                extra["results"] = results_snapshot(results, votes, now)
                outbox.append(events.results_published(cycle, results, votes, now))
                cycle = replace(cycle, results_published=True)
            if not outbox:
                return False
            if await self.cycles.save(cycle, version, outbox, extra):
                self.recent.drop(f"{tenant}:{cycle_id}")
                log.info("budget.cycle.announced", cycle_id=cycle_id, phase=phase)
                self.on_events_stored(cycle_id)
                return True
        return False
