"""The phase job: one leader across replicas looks at every cycle now and then, announces the
phases their dates reached (and the results, on reaching the results phase), and recounts the
tallies of the cycles that can still change (see tally.py). Phases are computed from the dates
at read time, so the API never depends on this job; only the events (e.g. "voting opens", for
notify) and the dashboard's figures wait for it."""

from __future__ import annotations

import structlog

from chassis.lease import LeaderLease, run_as_leader
from chassis.tracing import untraced
from services.budget.cycle_use_cases import CycleUseCases
from services.budget.tally import Tallies

log = structlog.get_logger("budget.phases")


class PhaseJob:
    def __init__(
        self, cycles: CycleUseCases, tallies: Tallies, lease: LeaderLease, interval_s: float
    ) -> None:
        self.cycles = cycles
        self.tallies = tallies
        self.lease = lease
        self.interval_s = interval_s

    async def run(self) -> None:
        await run_as_leader(self.lease, self.interval_s, self.tick, "budget.phases")

    async def tick(self) -> int:
        """Announce what changed in every cycle; returns how many cycles announced something."""
        announced = 0
        with untraced():
            ids = await self.cycles.cycles.all_cycle_ids()
        for tenant, cycle_id in ids:
            announced += await self.cycles.announce(tenant, cycle_id)
            with untraced():
                cycle, _version, results = await self.cycles.load(tenant, cycle_id)
                now = self.cycles.clock()
                if await self.tallies.needs_recount(cycle, now):
                    await self.tallies.recount(cycle, results, now)
        return announced
