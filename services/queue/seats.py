"""Capacity without transactions: every unit of capacity is a possible document with a
deterministic `_id`, and taking it is one insert. The server's unique `_id` arbitrates, so two
citizens can never hold the same unit whatever the concurrency; freeing is deleting it.

- A slot seat is one grid cell at one window: `{tenant}|{office}|{cell start}|w{window}`. A slot
  of capacity N is N windows; a booking takes all the cells of its slot at the first window
  where every insert succeeds (a clash undoes the cells it took there and tries the next).
- A month seat is one of the citizen's monthly bookings: `{tenant}|{sub}|{YYYY-MM}|{k}` for
  k < the council's limit; the first free k is taken.

Freeing follows the booking's change: the update that cancels or moves a booking also lists
the seats to give back (`to_free`); they are deleted next and the list cleared. A crash in
between leaves the list, and the leader's job finishes it — capacity never stays held by a
booking that no longer needs it.

Each failed insert costs a round trip, so the process remembers for a while which seats it saw
taken and tries the others first. That is only an ordering hint: a remembered seat is still
tried last (it may have been freed elsewhere), and the insert alone decides. A seat is
remembered from the moment its insert is sent, not when it succeeds: concurrent bookings in
this process (one citizen's bookings sent together, many citizens on one slot) then go for
different seats at once instead of all clashing on the first and paying a failed insert each.
A seat given back is forgotten, so it is tried first again.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.queue.domain.slots import Slot


def slot_seat_id(tenant: str, office_id: str, cell: datetime, window: int) -> str:
    return f"{tenant}|{office_id}|{cell.astimezone(UTC):%Y-%m-%dT%H:%M}|w{window}"


def month_seat_id(tenant: str, sub: str, month: str, k: int) -> str:
    return f"{tenant}|{sub}|{month}|{k}"


class TakenHints:
    """Seat ids this process saw taken lately (bounded; entries expire)."""

    def __init__(self, ttl_s: float = 60.0, max_size: int = 200_000) -> None:
        self.ttl_s = ttl_s
        self.max_size = max_size
        self._seen: dict[str, float] = {}

    def add(self, seat: str) -> None:
        if len(self._seen) >= self.max_size:
            now = time.monotonic()
            self._seen = {k: v for k, v in self._seen.items() if v > now}
            if len(self._seen) >= self.max_size:
                self._seen.clear()
        self._seen[seat] = time.monotonic() + self.ttl_s

    def discard(self, seat: str) -> None:
        self._seen.pop(seat, None)

    def __contains__(self, seat: str) -> bool:
        expires = self._seen.get(seat)
        return expires is not None and expires > time.monotonic()


class SeatRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.slot_seats = db["slot_seats"]
        self.month_seats = db["month_seats"]
        self.hints = TakenHints()

    async def ensure_indexes(self) -> None:
        # The `_id` is the arbitrating key; this one serves the day's availability scan.
        await self.slot_seats.create_index([("tenant", 1), ("office_id", 1), ("day", 1)])

    async def take_slot(
        self,
        tenant: str,
        office_id: str,
        day: date,
        slot: Slot,
        windows: Sequence[int],
        booking_id: str,
    ) -> tuple[int, list[str]] | None:
        """The window taken and its seat ids, or None when every window is taken."""

        def seen_taken(window: int) -> bool:
            return any(slot_seat_id(tenant, office_id, c, window) in self.hints for c in slot.cells)

        for window in sorted(windows, key=seen_taken):  # stable: the caller's order otherwise
            taken: list[str] = []
            seat = ""
            try:
                for cell in slot.cells:
                    seat = slot_seat_id(tenant, office_id, cell, window)
                    self.hints.add(seat)  # from the moment it is asked for (module doc)
                    await self.slot_seats.insert_one(
                        {
                            "_id": seat,
                            "tenant": tenant,
                            "office_id": office_id,
                            "day": day.isoformat(),
                            "cell": cell,
                            "window": window,
                            "booking_id": booking_id,
                        }
                    )
                    taken.append(seat)
                return window, taken
            except DuplicateKeyError:
                await self.free(taken)
        return None

    async def take_month(
        self, tenant: str, sub: str, month: str, limit: int, booking_id: str
    ) -> str | None:
        """One of the citizen's `limit` bookings in `month`, or None when all are in use."""
        seats = [month_seat_id(tenant, sub, month, k) for k in range(limit)]
        for seat in sorted(seats, key=lambda s: s in self.hints):
            self.hints.add(seat)  # from the moment it is asked for (module doc)
            try:
                await self.month_seats.insert_one(
                    {"_id": seat, "tenant": tenant, "month": month, "booking_id": booking_id}
                )
                return seat
            except DuplicateKeyError:
                pass
        return None

    async def free(self, seat_ids: Sequence[str]) -> None:
        for seat in seat_ids:
            await self.slot_seats.delete_one({"_id": seat})
            self.hints.discard(seat)

    async def free_month(self, seat_id: str | None) -> None:
        if seat_id:
            await self.month_seats.delete_one({"_id": seat_id})
            self.hints.discard(seat_id)

    async def free_listed(self, items: Sequence[dict[str, str]]) -> None:
        """Free what a booking's `to_free` lists: `{"c": "slot"|"month", "id": seat id}`."""
        for item in items:
            if item["c"] == "month":
                await self.free_month(item["id"])
            else:
                await self.free([item["id"]])

    async def taken_on(self, tenant: str, office_id: str, day: date) -> set[tuple[datetime, int]]:
        """(cell, window) pairs in use at the office on a local day."""
        docs = await self.slot_seats.find(
            {"tenant": tenant, "office_id": office_id, "day": day.isoformat()},
            {"_id": 0, "cell": 1, "window": 1},
        ).to_list(None)
        return {(d["cell"], int(d["window"])) for d in docs}
