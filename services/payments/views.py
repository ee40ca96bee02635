"""What the API shows of a payment."""

from __future__ import annotations

from datetime import datetime

import msgspec

from services.payments.domain import Payment
from services.payments.events import receipt_path


class RequisitesView(msgspec.Struct):
    recipient: str
    iban: str
    edrpou: str
    budget_code: str
    purpose_text: str


class HistoryEntryView(msgspec.Struct):
    status: str
    at: datetime
    by: str
    reason: str


class PaymentView(msgspec.Struct):
    id: str
    status: str
    purpose: str
    reference: str
    amount: int
    currency: str
    description: str
    checkout_url: str
    created_at: datetime
    expires_at: datetime
    requisites: RequisitesView
    booking_id: str | None = None
    provider_transaction_id: str | None = None
    receipt_url: str | None = None
    history: list[HistoryEntryView] = []


def to_view(payment: Payment) -> PaymentView:
    paid = payment.status in ("success", "refund_pending", "refunded")
    return PaymentView(
        id=payment.id,
        status=payment.status,
        purpose=payment.purpose,
        reference=payment.reference,
        amount=payment.amount,
        currency=payment.currency,
        description=payment.description,
        checkout_url=payment.checkout_url,
        created_at=payment.created_at,
        expires_at=payment.expires_at,
        requisites=msgspec.convert(payment.requisites, RequisitesView, from_attributes=True),
        booking_id=payment.booking_id,
        provider_transaction_id=payment.provider_transaction_id,
        receipt_url=receipt_path(payment) if paid else None,
        history=[
            msgspec.convert(h, HistoryEntryView, from_attributes=True) for h in payment.history
        ],
    )
