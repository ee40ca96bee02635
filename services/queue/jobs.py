"""The leader's periodic job (one replica at a time, `chassis.lease`):

- every `interval_s`: release the slots of payment holds that ran out (from the small
  `payment_holds` collection), publishing `BookingPaymentCancelled(hold_expired)`;
- every `sweep_interval_s`: one pass over all bookings (a full read on FerretDB, hence rarely)
  to announce visits within `reminder_before`, to catch holds whose hold document went missing,
  and to give back seats a crashed writer listed in `to_free` but never freed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from chassis.lease import LeaderLease, run_as_leader
from chassis.logging import get_logger
from chassis.tracing import untraced
from services.queue.booking_repository import BookingRepository
from services.queue.booking_use_cases import BookingUseCases
from services.queue.clock import utc_now
from services.queue.domain.errors import Refused
from services.queue.saga import hold_expired_rule, reminder_rule

log = get_logger("queue.jobs")
STALE = timedelta(minutes=1)  # a writer frees its seats well within this


class HoldsAndReminders:
    def __init__(
        self,
        bookings: BookingRepository,
        use_cases: BookingUseCases,
        lease: LeaderLease,
        interval_s: float,
        sweep_interval_s: float,
        reminder_before: timedelta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.bookings = bookings
        self.use_cases = use_cases
        self.lease = lease
        self.interval_s = interval_s
        self.sweep_interval_s = sweep_interval_s
        self.reminder_before = reminder_before
        self.clock = clock
        self._last_sweep = float("-inf")

    async def run(self) -> None:
        await run_as_leader(self.lease, self.interval_s, self.tick, "queue.jobs")

    async def tick(self) -> tuple[int, int]:
        """Returns (holds released, reminders announced)."""
        now = self.clock()
        released = 0
        with untraced():
            due = await self.use_cases.holds.due(now)
        for hold in due:
            released += await self._expire(hold["tenant"], hold["_id"])
        reminded = 0
        if time.monotonic() - self._last_sweep >= self.sweep_interval_s:
            self._last_sweep = time.monotonic()
            swept, reminded = await self.sweep(now)
            released += swept
        return released, reminded

    async def _expire(self, tenant: str, booking_id: str) -> int:
        try:
            after = await self.bookings.change(tenant, booking_id, hold_expired_rule)
        except Refused:  # the booking was never stored
            await self.use_cases.holds.remove(booking_id)
            return 0
        if after["status"] == "cancelled" and after.get("cancel_reason") == "hold_expired":
            await self.use_cases.release(after)
            return 1
        if after["status"] != "awaiting_payment":
            await self.use_cases.holds.remove(booking_id)  # settled meanwhile
        return 0

    async def sweep(self, now: datetime) -> tuple[int, int]:
        with untraced():
            found = await self.bookings.find_due(
                {
                    "$or": [
                        {"status": "awaiting_payment", "hold_expires_at": {"$lte": now}},
                        {
                            "status": "booked",
                            "reminder_sent": False,
                            "start": {"$gt": now, "$lte": now + self.reminder_before},
                        },
                        {"to_free.0": {"$exists": True}, "updated_at": {"$lt": now - STALE}},
                    ]
                },
                limit=5000,
            )
        released = reminded = 0
        for booking in found:
            if booking.get("to_free") and booking["updated_at"] < now - STALE:
                await self.use_cases.release(booking)
            if booking["status"] == "awaiting_payment":
                released += await self._expire(booking["tenant"], booking["_id"])
            elif booking["status"] == "booked" and not booking.get("reminder_sent"):
                await self.bookings.change(booking["tenant"], booking["_id"], reminder_rule)
                reminded += 1
        return released, reminded
