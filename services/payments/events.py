"""Turning a payment's change into its outbox record: which event each status announces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.outbox import outbox_record
from contracts.envelope import EventEnvelope, EventModel
from contracts.payments import (
    PaymentCancelled,
    PaymentCreated,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentRefundRequested,
    PaymentStarted,
    PaymentSucceeded,
)
from services.payments.domain import Payment

SOURCE = "/hromada/payments"


def receipt_path(payment: Payment) -> str:
    return f"/api/v1/{payment.tenant}/payments/{payment.id}/receipt"


def _common(payment: Payment, at: datetime) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "purpose": payment.purpose,
        "reference": payment.reference,
        "booking_id": payment.booking_id,
        "amount": payment.amount,
        "status": payment.status,
        "citizen_sub": payment.citizen_sub,
        "email": payment.email,
        "locale": payment.locale,
        "at": at,
    }


def event_for(payment: Payment, at: datetime, reason: str = "") -> EventModel:
    """The event announcing the payment's current status (just entered)."""
    common = _common(payment, at)
    match payment.status:
        case "created":
            return PaymentCreated(
                **common, checkout_url=payment.checkout_url, expires_at=payment.expires_at
            )
        case "started":
            return PaymentStarted(**common)
        case "success":
            return PaymentSucceeded(
                **common,
                provider_transaction_id=payment.provider_transaction_id or "",
                receipt_url=receipt_path(payment),
            )
        case "failed":
            return PaymentFailed(**common, reason=reason or "failed")
        case "cancelled":
            return PaymentCancelled(**common, reason=reason or "cancelled")
        case "expired":
            return PaymentExpired(**common)
        case "refund_pending":
            return PaymentRefundRequested(**common, refund_amount=payment.amount, reason=reason)
        case "refunded":
            return PaymentRefunded(
                **common,
                refunded_amount=payment.refunded_amount,
                reason=payment.refund_reason or reason,
            )
    raise ValueError(f"no event for status {payment.status}")


def to_outbox(payment: Payment, event: EventModel) -> dict[str, Any]:
    envelope = EventEnvelope.wrap(event, source=SOURCE, subject=payment.id, tenant=payment.tenant)
    return outbox_record(envelope, event.topic)
