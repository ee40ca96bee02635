"""Events published by the payments service: every state change of a payment.

`purpose` + `reference` say what was paid: a service ("service", the service code or the
booking id of a paid ASC booking) or a fine ("fine", the resolution number). Queue confirms a
booking on `PaymentSucceeded` and releases its slot on failed / expired / cancelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from contracts.envelope import EventModel
from contracts.topics import PAYMENTS_PAYMENT

PaymentPurpose = Literal["service", "fine"]


class _PaymentChange(EventModel):
    """What every payment event carries, so consumers need not ask payments."""

    payment_id: str
    purpose: PaymentPurpose
    reference: str = Field(description="Service code or booking id, or the fine's resolution no.")
    booking_id: str | None = Field(default=None, description="Set when a booking is being paid")
    amount: int = Field(description="In kopiyky")
    currency: Literal["UAH"] = "UAH"
    status: str = Field(description="The payment's status after this event")
    citizen_sub: str = Field(description="The payer's IdP subject")
    email: str | None = None
    locale: str = "uk"
    at: datetime = Field(description="When it happened")


class PaymentCreated(_PaymentChange):
    event_type: ClassVar[str] = "payments.payment.created.v1"
    topic: ClassVar[str] = PAYMENTS_PAYMENT

    checkout_url: str
    expires_at: datetime


class PaymentStarted(_PaymentChange):
    """The payer reached the provider's checkout (the provider reports it in progress)."""

    event_type: ClassVar[str] = "payments.payment.started.v1"
    topic: ClassVar[str] = PAYMENTS_PAYMENT


class PaymentSucceeded(_PaymentChange):
    event_type: ClassVar[str] = "payments.payment.succeeded.v1"
    topic: ClassVar[str] = PAYMENTS_PAYMENT

    provider_transaction_id: str
    receipt_url: str = Field(description="Gateway path of the downloadable receipt")


class PaymentFailed(_PaymentChange):
    event_type: ClassVar[str] = "payments.payment.failed.v1"
    topic: ClassVar[str] = PAYMENTS_PAYMENT

    reason: str


class PaymentExpired(_PaymentChange):
    event_type: ClassVar[str] = "payments.payment.expired.v1"
    topic: ClassVar[str] = PAYMENTS_PAYMENT


class PaymentCancelled(_PaymentChange):
    event_type: ClassVar[str] = "payments.payment.cancelled.v1"
    topic: ClassVar[str] = PAYMENTS_PAYMENT

    reason: str


class PaymentRefundRequested(_PaymentChange):
    """An official asked the provider to return the money; `PaymentRefunded` follows."""

    event_type: ClassVar[str] = "payments.payment.refund_requested.v1"
    topic: ClassVar[str] = PAYMENTS_PAYMENT

    refund_amount: int = Field(description="In kopiyky")
    reason: str


class PaymentRefunded(_PaymentChange):
    event_type: ClassVar[str] = "payments.payment.refunded.v1"
    topic: ClassVar[str] = PAYMENTS_PAYMENT

    refunded_amount: int = Field(description="In kopiyky")
    reason: str


PAYMENT_EVENTS: tuple[type[_PaymentChange], ...] = (
    PaymentCreated,
    PaymentStarted,
    PaymentSucceeded,
    PaymentFailed,
    PaymentExpired,
    PaymentCancelled,
    PaymentRefundRequested,
    PaymentRefunded,
)
