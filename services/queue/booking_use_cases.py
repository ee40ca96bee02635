"""Booking a visit, cancelling it, and the slots a citizen can choose from.

Booking takes, in this order, one of the citizen's monthly seats, then the slot's seat at a free
window, then stores the booking with its events; a refusal at any step gives back what the
earlier steps took, so nothing half-written is left holding capacity.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chassis.auth import Principal
from services.queue import events
from services.queue.booking_repository import BookingChange, BookingRepository
from services.queue.catalogue_repository import CatalogueRepository
from services.queue.clock import utc_now
from services.queue.domain.booking import check_cancel_deadline, next_status
from services.queue.domain.catalogue import AdminService
from services.queue.domain.errors import conflict, invalid, not_found
from services.queue.domain.office import Office
from services.queue.domain.slots import (
    Slot,
    check_horizon,
    free_windows,
    local_day,
    month_key,
    slot_at,
    slots_of_day,
)
from services.queue.holds import HoldRepository
from services.queue.policy import PolicyRepository, QueuePolicy
from services.queue.seats import SeatRepository


@dataclass(frozen=True)
class SlotView:
    start: datetime
    end: datetime
    capacity: int
    available: int


class BookingUseCases:
    def __init__(
        self,
        bookings: BookingRepository,
        seats: SeatRepository,
        catalogue: CatalogueRepository,
        policies: PolicyRepository,
        closures: Any,  # services.queue.alerts.AlertRepository (closures_on)
        holds: HoldRepository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.holds = holds
        self.bookings = bookings
        self.seats = seats
        self.catalogue = catalogue
        self.policies = policies
        self.closures = closures
        self.clock = clock

    async def service_and_office(
        self, tenant: str, service_code: str, office_id: str
    ) -> tuple[AdminService, Office]:
        service = await self.catalogue.service(tenant, service_code)
        if service is None or not service.active:
            raise invalid("service_code", "Немає такої послуги / No such service")
        office = await self.catalogue.office(tenant, office_id)
        if office is None or not office.active:
            raise not_found("Немає такого ЦНАП / No such office")
        return service, office

    async def day_slots(
        self, tenant: str, office: Office, service: AdminService, day: date, policy: QueuePolicy
    ) -> list[Slot]:
        closures = await self.closures.closures_on(tenant, office.id, day)
        return slots_of_day(
            office,
            service,
            day,
            policy.timezone,
            now=self.clock(),
            holidays=policy.holidays,
            closures=closures,
        )

    async def list_slots(
        self, tenant: str, office_id: str, service_code: str, day: date
    ) -> list[SlotView]:
        service, office = await self.service_and_office(tenant, service_code, office_id)
        policy = await self.policies.get(tenant)
        today = local_day(self.clock(), policy.timezone)
        if day < today or day > today + timedelta(days=policy.horizon_days):
            return []
        slots = await self.day_slots(tenant, office, service, day, policy)
        taken = await self.seats.taken_on(tenant, office.id, day) if slots else set()
        return [
            SlotView(s.start, s.end, len(s.windows), len(free_windows(s, taken))) for s in slots
        ]

    async def book(
        self,
        tenant: str,
        principal: Principal,
        office_id: str,
        service_code: str,
        start: datetime,
        email: str | None = None,
    ) -> dict[str, Any]:
        service, office = await self.service_and_office(tenant, service_code, office_id)
        policy = await self.policies.get(tenant)
        now = self.clock()
        check_horizon(start, now, policy.horizon_days, policy.timezone)
        day = local_day(start, policy.timezone)
        slot = slot_at(
            office,
            service,
            start,
            policy.timezone,
            now=now,
            holidays=policy.holidays,
            closures=await self.closures.closures_on(tenant, office.id, day),
        )
        booking_id = uuid.uuid4().hex
        month = month_key(start, policy.timezone)
        month_seat = await self.seats.take_month(
            tenant, principal.sub, month, policy.bookings_per_month, booking_id
        )
        if month_seat is None:
            raise conflict(
                f"Не більше {policy.bookings_per_month} записів на місяць / "
                f"At most {policy.bookings_per_month} bookings a month",
                "start",
            )
        seat_ids: list[str] = []
        inserting = False
        try:
            # Start at a window chosen by the booking id: concurrent bookings of one slot
            # spread over its windows instead of all clashing at the first.
            windows = list(slot.windows)
            turn = int(booking_id[:8], 16) % len(windows)
            taken = await self.seats.take_slot(
                tenant, office.id, day, slot, windows[turn:] + windows[:turn], booking_id
            )
            if taken is None:
                raise conflict("Цей час уже зайнято / This slot is fully booked", "start")
            window, seat_ids = taken
            booking = self._new_booking(
                tenant, booking_id, principal, service, office, slot, window, now, policy
            )
            booking.update(seats=seat_ids, month_seat=month_seat, day=day.isoformat(), month=month)
            if email:
                booking["citizen"]["email"] = email
            if booking["hold_expires_at"] is not None:
                await self.holds.add(tenant, booking_id, booking["hold_expires_at"])
            inserting = True
            await self.bookings.insert(booking, events.created(booking, now))
        except BaseException:
            # A failed insert may still have been stored (a timeout after the write): then
            # the booking keeps its seats, else they are given back.
            if not (inserting and await self._maybe_stored(tenant, booking_id)):
                await self.seats.free(seat_ids)
                await self.seats.free_month(month_seat)
            raise
        booking.pop("outbox", None)
        return booking

    async def _maybe_stored(self, tenant: str, booking_id: str) -> bool:
        """True unless the booking is known not to exist (an unanswered read keeps the seats:
        a seat held too long is better than a slot given twice)."""
        try:
            return await self.bookings.get(tenant, booking_id) is not None
        except Exception:
            return True

    @staticmethod
    def _new_booking(
        tenant: str,
        booking_id: str,
        principal: Principal,
        service: AdminService,
        office: Office,
        slot: Slot,
        window: int,
        now: datetime,
        policy: QueuePolicy,
    ) -> dict[str, Any]:
        paid = service.paid and service.fee is not None
        return {
            "_id": booking_id,
            "tenant": tenant,
            "status": "awaiting_payment" if paid else "booked",
            "office_id": office.id,
            "office_name": office.name.uk,
            "office_address": office.address,
            "service_code": service.code,
            "service_name": service.name.uk,
            "ticket_letter": service.ticket_letter,
            "start": slot.start,
            "end": slot.end,
            "window": window,
            "fee": _fee_doc(service) if paid else None,
            "hold_expires_at": now + timedelta(minutes=policy.hold_minutes) if paid else None,
            "citizen": {"sub": principal.sub, "name": principal.name, "email": principal.email},
            "locale": "uk",
            "reminder_sent": False,
            "ticket": None,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "history": [{"at": now, "action": "book", "by": principal.sub}],
        }

    async def get(self, tenant: str, principal: Principal, booking_id: str) -> dict[str, Any]:
        booking = await self.bookings.get(tenant, booking_id)
        if booking is None or not (
            booking["citizen"]["sub"] == principal.sub or principal.is_staff_of(tenant)
        ):
            raise not_found("Запис не знайдено / No such booking")
        return booking

    async def mine(self, tenant: str, principal: Principal, limit: int) -> list[dict[str, Any]]:
        return await self.bookings.of_citizen(tenant, principal.sub, limit)

    async def cancel(self, tenant: str, principal: Principal, booking_id: str) -> dict[str, Any]:
        await self.get(tenant, principal, booking_id)  # 404 for anyone else
        staff = principal.is_staff_of(tenant)
        policy = await self.policies.get(tenant)
        reason = "staff" if staff else "citizen"

        def rule(booking: dict[str, Any], now: datetime) -> BookingChange:
            check_cancel_deadline(booking["start"], now, policy.cancel_hours_before, by_staff=staff)
            return cancellation(booking, now, reason, None, by=principal.sub)

        booking = await self.bookings.change(tenant, booking_id, rule)
        await self.release(booking)
        return booking

    async def release(self, booking: dict[str, Any]) -> None:
        """Give back the seats the booking's last change listed in `to_free`."""
        listed = booking.get("to_free") or []
        if listed:
            await self.seats.free_listed(listed)
            await self.bookings.clear_to_free(booking["_id"])
        if booking.get("hold_expires_at") is not None and booking["status"] == "cancelled":
            await self.holds.remove(booking["_id"])


def seats_of(booking: dict[str, Any]) -> list[dict[str, str]]:
    """Every seat a booking holds, as `to_free` entries."""
    listed = [{"c": "slot", "id": seat} for seat in booking.get("seats") or []]
    if booking.get("month_seat"):
        listed.append({"c": "month", "id": booking["month_seat"]})
    return listed


def _fee_doc(service: AdminService) -> dict[str, Any]:
    assert service.fee is not None
    fee = service.fee
    return {
        "amount": fee.amount,
        "currency": fee.currency,
        "iban": fee.iban,
        "edrpou": fee.edrpou,
        "recipient": fee.recipient,
        "budget_code": fee.budget_code,
    }


def cancellation(
    booking: dict[str, Any], now: datetime, reason: str, detail: str | None, by: str = "system"
) -> BookingChange:
    """The change that cancels a booking (its seats are freed after it is stored)."""
    was_unpaid = booking["status"] == "awaiting_payment"
    status = next_status(booking["status"], "cancel")
    after = {**booking, "status": status}
    return BookingChange(
        "cancel",
        {
            "status": status,
            "cancel_reason": reason,
            "cancelled_at": now,
            "to_free": [*(booking.get("to_free") or []), *seats_of(booking)],
        },
        events.cancelled(after, now, reason, detail, was_unpaid),
        by=by,
        reason=detail or reason,
    )


__all__ = ["BookingUseCases", "SlotView", "cancellation", "seats_of"]
