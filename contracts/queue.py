"""Events published by the queue service (the ASC e-queue): bookings on QUEUE_BOOKING, the hall's
calls on QUEUE_HALL.

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
from contracts.topics import QUEUE_BOOKING, QUEUE_HALL


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


class _BookingChange(EventModel):
    """What every booking event carries, so notify needs not ask the queue service."""

    booking_id: str
    status: str = Field(description="The booking's status after this event")
    office_id: str
    office_name: str = Field(description="In Ukrainian")
    office_address: str = ""
    service_code: str
    service_name: str = Field(description="In Ukrainian")
    start: datetime = Field(description="The visit's start (UTC)")
    end: datetime
    window: int | None = Field(default=None, description="The window booked, when known")
    citizen_sub: str
    citizen_name: str | None = None
    email: str | None = None
    locale: str = "uk"
    at: datetime = Field(description="When it happened")


class BookingCreated(_BookingChange):
    """A citizen booked a visit: `booked`, or `awaiting_payment` until the fee is paid."""

    event_type: ClassVar[str] = "queue.booking.created.v1"
    topic: ClassVar[str] = QUEUE_BOOKING

    paid: bool
    amount: int | None = Field(default=None, description="The fee in kopiyky, if paid")
    hold_expires_at: datetime | None = None


class BookingConfirmed(_BookingChange):
    """The fee was paid: the slot is the citizen's."""

    event_type: ClassVar[str] = "queue.booking.confirmed.v1"
    topic: ClassVar[str] = QUEUE_BOOKING


class BookingCancelled(_BookingChange):
    """The booking was cancelled and its slot freed; `reason` says why."""

    event_type: ClassVar[str] = "queue.booking.cancelled.v1"
    topic: ClassVar[str] = QUEUE_BOOKING

    reason: str = Field(
        description="citizen, staff, hold_expired, payment_failed, payment_expired, "
        "payment_cancelled or air_raid_alert"
    )
    detail: str | None = None


class BookingMoved(_BookingChange):
    """The visit was moved (an air-raid alert emptied the hall): new `start`, old one here."""

    event_type: ClassVar[str] = "queue.booking.moved.v1"
    topic: ClassVar[str] = QUEUE_BOOKING

    previous_start: datetime
    reason: str = Field(description="air_raid_alert")
    detail: str | None = None


class BookingReminderDue(_BookingChange):
    """The visit is within a day: remind the citizen."""

    event_type: ClassVar[str] = "queue.booking.reminder_due.v1"
    topic: ClassVar[str] = QUEUE_BOOKING


class TicketCalled(EventModel):
    """A hall ticket was called to a window (for displays, and the citizen's phone)."""

    event_type: ClassVar[str] = "queue.ticket.called.v1"
    topic: ClassVar[str] = QUEUE_HALL

    ticket: str = Field(description="Like A-017")
    office_id: str
    office_name: str
    window: int
    service_code: str
    service_name: str
    booking_id: str | None = None
    citizen_sub: str | None = None
    citizen_name: str | None = None
    email: str | None = None
    locale: str = "uk"
    at: datetime


QUEUE_EVENTS: tuple[type[EventModel], ...] = (
    BookingPaymentRequested,
    BookingPaymentCancelled,
    BookingCreated,
    BookingConfirmed,
    BookingCancelled,
    BookingMoved,
    BookingReminderDue,
    TicketCalled,
)
