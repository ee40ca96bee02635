"""Golden examples of the payments service's events."""

from contracts.envelope import EventModel
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

# What every payment event carries: here, the fee of a paid ASC booking.
PAYMENT = {
    "payment_id": "p-3c9e7b41",
    "purpose": "service",
    "reference": "b-5d1f0c2e",
    "booking_id": "b-5d1f0c2e",
    "amount": 34500,
    "citizen_sub": "citizen-1",
    "email": "olena@example.ua",
    "at": "2026-03-11T10:05:00Z",
}

EXAMPLES: dict[str, EventModel] = {
    PaymentCreated.event_type: PaymentCreated(
        **PAYMENT,
        status="created",
        checkout_url="http://127.0.0.1:8107/checkout/p-3c9e7b41",
        expires_at="2026-03-11T11:35:00Z",
    ),
    PaymentStarted.event_type: PaymentStarted(**PAYMENT, status="started"),
    PaymentSucceeded.event_type: PaymentSucceeded(
        **PAYMENT,
        status="success",
        provider_transaction_id="2451238907",
        receipt_url="/api/v1/chernivtsi/payments/p-3c9e7b41/receipt",
    ),
    PaymentFailed.event_type: PaymentFailed(
        **PAYMENT, status="failed", reason="Картку відхилено / Card declined"
    ),
    PaymentExpired.event_type: PaymentExpired(**PAYMENT, status="expired"),
    PaymentCancelled.event_type: PaymentCancelled(
        **PAYMENT, status="cancelled", reason="hold_expired"
    ),
    PaymentRefundRequested.event_type: PaymentRefundRequested(
        **PAYMENT,
        status="refund_pending",
        refund_amount=34500,
        reason="Послугу не надано / Service not provided",
    ),
    PaymentRefunded.event_type: PaymentRefunded(
        **PAYMENT,
        status="refunded",
        refunded_amount=34500,
        reason="Послугу не надано / Service not provided",
    ),
}
