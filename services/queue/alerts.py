"""Air-raid alerts: the hall empties, so an office is closed for a time range. Declared by the
council's staff or by an integration webhook with the council's key. Every active booking in
the range moves to the first free slot after it (same office and service, within the booking
horizon) or, if there is none, is cancelled; the citizen is told either way (events), and the
reason is kept in the booking's history and the alert's record.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.logging import get_logger
from services.queue import events
from services.queue.booking_repository import BookingChange, BookingRepository
from services.queue.booking_use_cases import BookingUseCases, cancellation
from services.queue.cache import TtlCache
from services.queue.clock import utc_now
from services.queue.domain.booking import next_status
from services.queue.domain.errors import Refused, invalid, not_found
from services.queue.domain.slots import Closure, Slot, free_windows, local_day
from services.queue.seats import SeatRepository

log = get_logger("queue.alerts")
MAX_ALERT = timedelta(hours=24)


class AlertRepository:
    """Alerts and the webhook keys. Every booking asks for its day's closures, so they are
    kept `cache_ttl_s`; a declaration sweeps its range again after that (see `declare`)."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], cache_ttl_s: float = 2.0) -> None:
        self.alerts = db["alerts"]
        self.keys = db["alert_keys"]
        self.cache_ttl_s = cache_ttl_s
        self._cache = TtlCache[list[Closure]](cache_ttl_s)

    async def ensure_indexes(self) -> None:
        await self.alerts.create_index([("tenant", 1), ("office_id", 1), ("days", 1)])

    async def closures_on(self, tenant: str, office_id: str, day: date) -> list[Closure]:
        key = f"{tenant}|{office_id}|{day.isoformat()}"
        found = self._cache.get(key)
        if found is None:
            docs = await self.alerts.find(
                {"tenant": tenant, "office_id": office_id, "days": day.isoformat()},
                {"starts_at": 1, "ends_at": 1},
            ).to_list(None)
            found = [Closure(d["starts_at"], d["ends_at"]) for d in docs]
            self._cache.put(key, found)
        return found

    async def add(self, alert: dict[str, Any]) -> None:
        await self.alerts.insert_one(alert)
        for day in alert["days"]:
            self._cache.forget(f"{alert['tenant']}|{alert['office_id']}|{day}")

    async def record_outcome(self, alert_id: str, outcome: dict[str, Any]) -> None:
        await self.alerts.update_one({"_id": alert_id}, {"$set": {"outcome": outcome}})

    async def set_webhook_key(self, tenant: str) -> str:
        """A new key for the council's alert webhook; only its hash is kept."""
        key = secrets.token_urlsafe(32)
        digest = hashlib.sha256(key.encode()).hexdigest()
        await self.keys.update_one(
            {"_id": tenant}, {"$set": {"tenant": tenant, "sha256": digest}}, upsert=True
        )
        return key

    async def webhook_key_matches(self, tenant: str, key: str | None) -> bool:
        doc = await self.keys.find_one({"_id": tenant})
        if doc is None or not key:
            return False
        return hmac.compare_digest(doc["sha256"], hashlib.sha256(key.encode()).hexdigest())


def days_between(starts: datetime, ends: datetime, timezone: str) -> list[str]:
    first, last = local_day(starts, timezone), local_day(ends, timezone)
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


class AlertUseCases:
    def __init__(
        self,
        alerts: AlertRepository,
        bookings: BookingRepository,
        seats: SeatRepository,
        use_cases: BookingUseCases,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.alerts = alerts
        self.bookings = bookings
        self.seats = seats
        self.use_cases = use_cases
        self.clock = clock
        self._follow_ups: set[asyncio.Task[None]] = set()

    async def declare(
        self,
        tenant: str,
        office_id: str,
        starts_at: datetime,
        ends_at: datetime,
        reason: str,
        by: str,
    ) -> dict[str, Any]:
        if ends_at <= starts_at:
            raise invalid("ends_at", "must be after starts_at")
        if ends_at - starts_at > MAX_ALERT:
            raise invalid("ends_at", "an alert closes an office for at most 24 hours")
        office = await self.use_cases.catalogue.office(tenant, office_id)
        if office is None:
            raise not_found("Немає такого ЦНАП / No such office")
        policy = await self.use_cases.policies.get(tenant)
        alert_id = uuid.uuid4().hex
        # Stored first: from now on no new booking can land in the range.
        await self.alerts.add(
            {
                "_id": alert_id,
                "tenant": tenant,
                "office_id": office_id,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "days": days_between(starts_at, ends_at, policy.timezone),
                "reason": reason,
                "declared_by": by,
                "declared_at": self.clock(),
            }
        )
        result = await self._sweep(tenant, office_id, starts_at, ends_at, reason)
        await self.alerts.record_outcome(alert_id, result)
        if self.alerts.cache_ttl_s > 0:
            # Another replica may have booked into the range from its cached closures just
            # now: once every cache has expired, sweep once more.
            task = asyncio.create_task(
                self._sweep_later(alert_id, tenant, office_id, starts_at, ends_at, reason)
            )
            self._follow_ups.add(task)
            task.add_done_callback(self._follow_ups.discard)
        log.info(
            "alert.declared",
            alert_id=alert_id,
            moved=len(result["moved"]),
            cancelled=len(result["cancelled"]),
        )
        return {
            "id": alert_id,
            "office_id": office_id,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "reason": reason,
            **result,
        }

    async def _sweep(
        self, tenant: str, office_id: str, starts_at: datetime, ends_at: datetime, reason: str
    ) -> dict[str, list[str]]:
        moved: list[str] = []
        cancelled: list[str] = []
        for booking in await self.bookings.of_office_between(tenant, office_id, starts_at, ends_at):
            outcome = await self.reschedule(tenant, booking, ends_at, reason)
            if outcome == "moved":
                moved.append(booking["_id"])
            elif outcome == "cancelled":
                cancelled.append(booking["_id"])
        return {"moved": moved, "cancelled": cancelled}

    async def _sweep_later(
        self,
        alert_id: str,
        tenant: str,
        office_id: str,
        starts_at: datetime,
        ends_at: datetime,
        reason: str,
    ) -> None:
        await asyncio.sleep(self.alerts.cache_ttl_s + 0.5)
        try:
            late = await self._sweep(tenant, office_id, starts_at, ends_at, reason)
            if late["moved"] or late["cancelled"]:
                log.info("alert.late_bookings_handled", alert_id=alert_id, **late)
        except Exception as exc:
            log.warning("alert.follow_up_failed", alert_id=alert_id, error=type(exc).__name__)

    async def reschedule(
        self, tenant: str, booking: dict[str, Any], after: datetime, reason: str
    ) -> str:
        """ "moved" to the first free slot from `after`, else "cancelled"; "skipped" when the
        booking stopped being active meanwhile (cancelled, checked in)."""
        uc = self.use_cases
        service, office = await uc.service_and_office(
            tenant, booking["service_code"], booking["office_id"]
        )
        policy = await uc.policies.get(tenant)
        today = local_day(self.clock(), policy.timezone)
        day = max(local_day(after, policy.timezone), today)
        last = today + timedelta(days=policy.horizon_days)
        while day <= last:
            slots = [
                s
                for s in await uc.day_slots(tenant, office, service, day, policy)
                if s.start >= after
            ]
            if slots:
                taken = await self.seats.taken_on(tenant, office.id, day)
                for slot in slots:
                    windows = free_windows(slot, taken)
                    if not windows:
                        continue
                    outcome = await self._move(tenant, booking, day, slot, windows, reason)
                    if outcome is not None:
                        return outcome
            day += timedelta(days=1)
        after_cancel = await self.bookings.change(tenant, booking["_id"], _cancel_rule(reason))
        if after_cancel.get("cancel_reason") != "air_raid_alert":
            return "skipped"
        await uc.release(after_cancel)
        return "cancelled"

    async def _move(
        self,
        tenant: str,
        booking: dict[str, Any],
        day: date,
        slot: Slot,
        windows: list[int],
        reason: str,
    ) -> str | None:
        """ "moved", "skipped" (the booking is no longer active), or None: the slot was taken
        meanwhile, try the next one."""
        taken = await self.seats.take_slot(
            tenant, booking["office_id"], day, slot, windows, booking["_id"]
        )
        if taken is None:
            return None
        window, seat_ids = taken

        def rule(current: dict[str, Any], now: datetime) -> BookingChange:
            next_status(current["status"], "move")
            old_seats = [{"c": "slot", "id": seat} for seat in current.get("seats") or []]
            fields = {
                "start": slot.start,
                "end": slot.end,
                "window": window,
                "seats": seat_ids,
                "day": day.isoformat(),
                "reminder_sent": False,
                "to_free": [*(current.get("to_free") or []), *old_seats],
            }
            after = {**current, **fields}
            return BookingChange(
                "move",
                fields,
                events.moved(after, now, current["start"], reason),
                reason=f"air_raid_alert: {reason}",
            )

        try:
            after = await self.bookings.change(tenant, booking["_id"], rule)
        except Refused:
            await self.seats.free(seat_ids)  # the booking moved on (cancelled, checked in)
            return "skipped"
        await self.use_cases.release(after)
        return "moved"


def _cancel_rule(reason: str) -> Callable[[dict[str, Any], datetime], BookingChange | None]:
    def rule(booking: dict[str, Any], now: datetime) -> BookingChange | None:
        if booking["status"] not in ("awaiting_payment", "booked"):
            return None
        return cancellation(booking, now, "air_raid_alert", reason)

    return rule
