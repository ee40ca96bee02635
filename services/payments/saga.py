"""The paid-booking saga, payments' side: queue asks for an intent per booking over Kafka
(created once: its id is derived from the booking), and withdraws it when the hold ends."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from chassis.logging import get_logger
from contracts.envelope import EventEnvelope
from contracts.queue import BookingPaymentCancelled, BookingPaymentRequested
from services.payments.changes import ChangeApplier
from services.payments.domain import ACTIVE_STATUSES, Payment, Requisites, StatusChange, transition
from services.payments.events import event_for, to_outbox
from services.payments.provider import PaymentProvider
from services.payments.repository import PaymentRepository

log = get_logger("payments.saga")
_NAMESPACE = uuid.UUID("8a0e6c0e-5d55-4c1f-9a53-0b7f1c2f4e10")


def booking_payment_id(tenant: str, booking_id: str) -> str:
    """The one intent of a booking: the same id however often the request is delivered."""
    return str(uuid.uuid5(_NAMESPACE, f"{tenant}:booking:{booking_id}"))


class BookingSaga:
    def __init__(
        self,
        repository: PaymentRepository,
        changes: ChangeApplier,
        provider: PaymentProvider,
        callback_url: Callable[[str], str],
        ttl: timedelta,
        on_events_stored: Callable[[str], None],
        refund: Callable[[str, str, str, str], Awaitable[Payment]],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.refund = refund
        self.repository = repository
        self.changes = changes
        self.provider = provider
        self.callback_url = callback_url
        self.ttl = ttl
        self.on_events_stored = on_events_stored
        self.clock = clock

    async def on_payment_requested(self, envelope: EventEnvelope) -> None:
        request = envelope.payload(BookingPaymentRequested)
        tenant = envelope.tenant
        payment_id = booking_payment_id(tenant, request.booking_id)
        if await self.repository.get(tenant, payment_id) is not None:
            return  # a redelivery, or the same request published twice
        now = self.clock()
        payment = Payment(
            id=payment_id,
            tenant=tenant,
            purpose="service",
            reference=request.booking_id,
            booking_id=request.booking_id,
            amount=request.amount,
            requisites=Requisites(
                recipient=request.recipient,
                iban=request.iban,
                edrpou=request.edrpou,
                budget_code=request.budget_code,
                purpose_text=f"*;101;{request.service_name}",
            ),
            description=request.service_name,
            citizen_sub=request.citizen_sub,
            citizen_name=request.citizen_name,
            email=request.email,
            locale=request.locale,
            created_at=now,
            updated_at=now,
            # Never take money for a slot that queue has already released.
            expires_at=min(now + self.ttl, request.hold_expires_at),
            history=[StatusChange("created", now, "queue", f"booking {request.booking_id}")],
        )
        # Provider down: raise, and the consumer retries (then parks on the DLQ).
        payment.checkout_url = await self.provider.prepare_checkout(
            payment, self.callback_url(tenant)
        )
        try:
            await self.repository.add(payment, [to_outbox(payment, event_for(payment, now))])
        except DuplicateKeyError:
            return  # a concurrent delivery stored it first
        self.on_events_stored(payment_id)
        log.info("payment.requested_by_booking", payment_id=payment_id)

    async def on_payment_cancelled(self, envelope: EventEnvelope) -> None:
        """Cancel the open intent. If the money was taken meanwhile (the payer finished just
        as the hold ran out), queue has released the slot: give the money back."""
        cancelled = envelope.payload(BookingPaymentCancelled)
        tenant = envelope.tenant
        payment_id = booking_payment_id(tenant, cancelled.booking_id)
        current = await self.repository.get(tenant, payment_id)
        if current is None:
            log.info("payment.cancel_for_unknown_booking", booking_id=cancelled.booking_id)
            return
        if current.status == "success":
            reason = f"Бронювання скасовано ({cancelled.reason}) / Booking released"
            await self.refund(tenant, payment_id, "queue", reason)
            return

        def decide(payment: Payment) -> list[tuple[Payment, str]]:
            if payment.status not in ACTIVE_STATUSES:
                return []  # already decided (paid, failed, expired): queue hears that event
            changed = transition(payment, "cancelled", self.clock(), "queue", cancelled.reason)
            return [(changed, cancelled.reason)]

        await self.changes.apply(tenant, payment_id, decide)
