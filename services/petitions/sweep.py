"""The leader's sweep (one replica at a time, `chassis.lease.LeaderLease`): now and then a full
recount of every collecting petition, and of those whose collection ended recently, so
signatures counted by no tally (a crashed process, an insert slower than the counter's grace)
are counted too; every round milestones and outcomes are re-checked so none is missed;
and petitions past their deadline are closed (Art. 23-1: below the threshold -> not_supported).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from chassis.lease import LeaderLease, run_as_leader
from chassis.logging import get_logger
from chassis.tracing import untraced
from services.petitions.counting import SignatureCounter
from services.petitions.domain.model import Petition
from services.petitions.outcomes import Outcomes
from services.petitions.repository import PetitionRepository

log = get_logger("petitions.sweep")
# Signatures accepted just before the deadline may still be landing: decide a little later.
DEADLINE_GRACE = timedelta(seconds=5)
RECENTLY_CLOSED = timedelta(minutes=10)


class LeaderSweep:
    def __init__(
        self,
        petitions: PetitionRepository,
        counter: SignatureCounter,
        outcomes: Outcomes,
        lease: LeaderLease,
        interval_s: float = 15.0,
        full_recount_every: int = 20,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.petitions = petitions
        self.counter = counter
        self.outcomes = outcomes
        self.lease = lease
        self.interval_s = interval_s
        self.full_recount_every = full_recount_every
        self.clock = clock
        self._rounds = 0

    async def run(self) -> None:
        await run_as_leader(self.lease, self.interval_s, self._untraced_round, "petitions.sweep")

    async def _untraced_round(self) -> None:
        with untraced():
            await self.sweep_once()

    async def sweep_once(self) -> None:
        now = self.clock()
        # Every `full_recount_every` rounds a full recount of each collecting petition, which
        # counts what no tally did (a crashed process, an insert that landed in a second the
        # counter had already closed). In between, the stored counts are re-checked for
        # milestones and outcomes, which costs no signature reads at all.
        full = self._rounds % self.full_recount_every == 0
        self._rounds += 1
        for petition in await self.petitions.collecting():
            assert petition.deadline_at is not None  # set on publish
            past_deadline = petition.deadline_at + DEADLINE_GRACE <= now
            # The outcome of a closed collection is decided on an exact, full recount.
            count = (
                await self._recount(petition, now)
                if full or past_deadline
                else petition.signature_count
            )
            if past_deadline:
                await self.outcomes.after_deadline(petition, count, now)
            else:
                await self.outcomes.after_count(petition, count, now)
        if full:
            for petition in await self.petitions.closed_since(now - RECENTLY_CLOSED):
                await self._recount(petition, now)

    async def _recount(self, petition: Petition, now: datetime) -> int:
        count = await self.counter.full_count(petition.tenant, petition.id, now)
        if count > petition.signature_count:
            await self.petitions.raise_count(petition.id, count)
        return count
