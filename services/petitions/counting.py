"""Recounting a petition's signatures cheaply enough to do it every few hundred milliseconds
while the petition goes viral.

A full recount reads every signature of the petition (on FerretDB about 55 µs each: 0.8 s at
15,000). So the counter remembers, per petition, the total of the slots (seconds) that are
CLOSED — older than `grace_s`, when no insert signed in them can still be in flight — and
recounts only the open slots, one indexed equality query each. The first count of a petition in
this process, and one whose remembered slots are too far behind, is a full recount.

A signature whose insert took longer than `grace_s` to land in a slot already closed would be
missed here; the leader's sweep makes a full recount of every collecting petition
periodically, and the stored count only ever grows, so it is corrected there.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from chassis.write_guard import DocumentLocks
from services.petitions.signatures import SignatureRepository, slot_of

# Beyond this many slots to look at (each an indexed query, ~free when empty), one full
# recount is cheaper; the leader's sweep visits every collecting petition more often.
MAX_OPEN_SLOTS = 120


@dataclass
class ClosedSlots:
    upto: int  # every slot <= upto is closed and counted in `total`
    total: int


class SignatureCounter:
    def __init__(self, signatures: SignatureRepository, grace_s: float = 3.0) -> None:
        self.signatures = signatures
        self.grace = timedelta(seconds=grace_s)
        self._closed: dict[tuple[str, str], ClosedSlots] = {}
        # The tally and the sweep may count one petition at once: one at a time, or a closed
        # slot could be added to the remembered total twice.
        self._locks = DocumentLocks()

    async def full_count(self, tenant: str, petition_id: str, now: datetime) -> int:
        """Every signature of the petition, re-reading them all."""
        async with self._locks.hold(f"{tenant}:{petition_id}"):
            return await self._full_count(tenant, petition_id, now)

    async def count(self, tenant: str, petition_id: str, now: datetime) -> int:
        """The number of signatures now: remembered closed slots plus the open ones."""
        async with self._locks.hold(f"{tenant}:{petition_id}"):
            return await self._count(tenant, petition_id, now)

    async def _full_count(self, tenant: str, petition_id: str, now: datetime) -> int:
        by_slot = await self.signatures.count_by_slot(tenant, petition_id)
        last_closed = slot_of(now - self.grace) - 1
        closed = sum(n for slot, n in by_slot.items() if slot <= last_closed)
        self._closed[(tenant, petition_id)] = ClosedSlots(last_closed, closed)
        return sum(by_slot.values())

    async def _count(self, tenant: str, petition_id: str, now: datetime) -> int:
        known = self._closed.get((tenant, petition_id))
        current = slot_of(now)
        if known is None or current - known.upto > MAX_OPEN_SLOTS:
            return await self._full_count(tenant, petition_id, now)
        slots = list(range(known.upto + 1, current + 1))
        counts = await asyncio.gather(
            *(self.signatures.count_in_slot(tenant, petition_id, s) for s in slots)
        )
        open_total = 0
        last_closed = slot_of(now - self.grace) - 1
        for slot, n in zip(slots, counts, strict=True):
            if slot <= last_closed:
                known.upto, known.total = slot, known.total + n
            else:
                open_total += n
        return known.total + open_total

    def forget(self, tenant: str, petition_id: str) -> None:
        self._closed.pop((tenant, petition_id), None)
