"""The per-process tally: an accepted signature only marks its petition dirty (in memory);
every `interval_s` the tally recounts each dirty petition from the signatures and writes
`signature_count` once, then lets the outcomes fire. So a viral petition costs one petition
update per round, never one per signature, and the count equals a recount a round after the
last signature."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from chassis.background import cancelling
from chassis.logging import get_logger
from chassis.tracing import untraced
from services.petitions.counting import SignatureCounter
from services.petitions.outcomes import Outcomes
from services.petitions.repository import PetitionRepository

log = get_logger("petitions.tally")


class Tally:
    def __init__(
        self,
        petitions: PetitionRepository,
        counter: SignatureCounter,
        outcomes: Outcomes,
        interval_s: float = 0.4,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.petitions = petitions
        self.counter = counter
        self.outcomes = outcomes
        self.interval_s = interval_s
        self.clock = clock
        self._dirty: set[tuple[str, str]] = set()

    def mark_dirty(self, tenant: str, petition_id: str) -> None:
        self._dirty.add((tenant, petition_id))

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                with untraced():  # a round every few hundred ms would flood the traces
                    await self.tally_once()
            except Exception as exc:
                if cancelling():
                    raise
                log.warning("tally.failed", error=type(exc).__name__)

    async def tally_once(self) -> int:
        """Recount every petition signed since the last round; returns how many."""
        batch, self._dirty = self._dirty, set()
        for tenant, petition_id in batch:
            try:
                await self.recount(tenant, petition_id)
            except BaseException:
                self._dirty.add((tenant, petition_id))  # try again next round
                raise
        return len(batch)

    async def recount(self, tenant: str, petition_id: str) -> int | None:
        petition = await self.petitions.get(tenant, petition_id)
        if petition is None:
            return None
        now = self.clock()
        count = await self.counter.count(tenant, petition_id, now)
        if count > petition.signature_count:
            await self.petitions.raise_count(petition_id, count)
        await self.outcomes.after_count(petition, count, now)
        return count
