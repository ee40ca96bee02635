"""Events published by the queue service (the ASC e-queue).

The paid-booking saga with payments: a booking of a paid service publishes
`BookingPaymentRequested`; payments creates (once per booking) an intent and answers on its own
topic with `payments.payment.*` events whose `reference` is the booking id; when the hold
expires first, queue publishes `BookingPaymentCancelled` and payments cancels the intent.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from contracts.envelope import EventModel
from contracts.topics import QUEUE_BOOKING


class BookingPaymentRequested(EventModel):
    """A paid service was booked: payments must create one intent for it (keyed by booking)."""

    event_type: ClassVar[str] = "queue.booking.payment_requested.v1"
    topic: ClassVar[str] = QUEUE_BOOKING

    booking_id: str
    service_code: str
    service_name: str = Field(description="The service's name in Ukrainian, for the receipt")
    amount: int = Field(description="The fee from the council's catalogue, in kopiyky")
    currency: Literal["UAH"] = "UAH"
    iban: str = Field(description="The treasury account the fee is paid to")
    edrpou: str = Field(description="The recipient's EDRPOU code")
    recipient: str
    budget_code: str = Field(description="Budget classification code, for reconciliation")
    citizen_sub: str = Field(description="The payer's IdP subject")
    citizen_name: str | None = None
    email: str | None = None
    locale: str = "uk"
    hold_expires_at: datetime = Field(description="After this the slot is released")


class BookingPaymentCancelled(EventModel):
    """The booking no longer needs paying (hold expired, booking cancelled): cancel the intent."""

    event_type: ClassVar[str] = "queue.booking.payment_cancelled.v1"
    topic: ClassVar[str] = QUEUE_BOOKING

    booking_id: str
    reason: Literal["hold_expired", "booking_cancelled"]
    at: datetime
