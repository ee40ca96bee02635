"""The paid-booking saga with payments (contracts/queue.py, contracts/payments.py).

A paid booking waits in `awaiting_payment` with a hold. Payments answers on its topic: a
success confirms the booking; a failure, expiry or cancellation releases the slot. If the hold
runs out first, the leader's job (jobs.py) releases the slot and tells payments to cancel the
intent.
Every handler is safe to run twice (the consumer de-duplicates too): a booking no longer
awaiting payment is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chassis.logging import get_logger
from contracts.envelope import EventEnvelope, EventModel
from contracts.payments import PaymentCancelled, PaymentExpired, PaymentFailed, PaymentSucceeded
from services.queue import events
from services.queue.booking_repository import BookingChange, BookingRepository
from services.queue.booking_use_cases import BookingUseCases, cancellation
from services.queue.domain.booking import next_status
from services.queue.domain.errors import Refused

log = get_logger("queue.saga")

PAYMENT_ENDS: dict[str, tuple[type[EventModel], str]] = {
    PaymentFailed.event_type: (PaymentFailed, "payment_failed"),
    PaymentExpired.event_type: (PaymentExpired, "payment_expired"),
    PaymentCancelled.event_type: (PaymentCancelled, "payment_cancelled"),
}


def confirm_rule(booking: dict[str, Any], now: datetime) -> BookingChange | None:
    if booking["status"] != "awaiting_payment":
        if booking["status"] == "cancelled":
            # Paid after the slot was released: payments refunds on our cancellation event.
            log.warning("booking.paid_after_release", booking_id=booking["_id"])
        return None
    status = next_status(booking["status"], "confirm")
    after = {**booking, "status": status}
    return BookingChange(
        "confirm", {"status": status, "paid_at": now}, events.confirmed(after, now)
    )


def release_rule(reason: str) -> Callable[[dict[str, Any], datetime], BookingChange | None]:
    def rule(booking: dict[str, Any], now: datetime) -> BookingChange | None:
        if booking["status"] != "awaiting_payment":
            return None
        return cancellation(booking, now, reason, None)

    return rule


class PaymentSaga:
    def __init__(self, bookings: BookingRepository, use_cases: BookingUseCases) -> None:
        self.bookings = bookings
        self.use_cases = use_cases

    async def on_payment_succeeded(self, envelope: EventEnvelope) -> None:
        payment = envelope.payload(PaymentSucceeded)
        if payment.booking_id:
            booking = await self._apply(envelope.tenant, payment.booking_id, confirm_rule)
            if booking is not None and booking["status"] != "awaiting_payment":
                await self.use_cases.holds.remove(payment.booking_id)

    async def on_payment_ended(self, envelope: EventEnvelope) -> None:
        model, reason = PAYMENT_ENDS[envelope.type]
        booking_id = getattr(envelope.payload(model), "booking_id", None)
        if booking_id:
            booking = await self._apply(envelope.tenant, booking_id, release_rule(reason))
            if booking is not None and booking["status"] == "cancelled":
                await self.use_cases.release(booking)

    async def _apply(
        self,
        tenant: str,
        booking_id: str,
        rule: Callable[[dict[str, Any], datetime], BookingChange | None],
    ) -> dict[str, Any] | None:
        try:
            return await self.bookings.change(tenant, booking_id, rule)
        except Refused as refused:
            if refused.status == 404:  # not ours (another council, or a test's fake id)
                log.warning("payment.unknown_booking", booking_id=booking_id)
                return None
            raise


def hold_expired_rule(booking: dict[str, Any], now: datetime) -> BookingChange | None:
    expires = booking.get("hold_expires_at")
    if booking["status"] != "awaiting_payment" or expires is None or expires > now:
        return None
    return cancellation(booking, now, "hold_expired", None)


def reminder_rule(booking: dict[str, Any], now: datetime) -> BookingChange | None:
    if booking["status"] != "booked" or booking.get("reminder_sent"):
        return None
    return BookingChange("remind", {"reminder_sent": True}, events.reminder_due(booking, now))
