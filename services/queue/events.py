"""Turning a booking or a ticket into the events it announces, as outbox records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.outbox import outbox_record
from contracts.envelope import EventEnvelope, EventModel
from contracts.queue import (
    BookingCancelled,
    BookingConfirmed,
    BookingCreated,
    BookingMoved,
    BookingPaymentCancelled,
    BookingPaymentRequested,
    BookingReminderDue,
    TicketCalled,
)

SOURCE = "/hromada/queue"


def _common(booking: dict[str, Any], at: datetime) -> dict[str, Any]:
    citizen = booking["citizen"]
    return {
        "booking_id": booking["_id"],
        "status": booking["status"],
        "office_id": booking["office_id"],
        "office_name": booking["office_name"],
        "office_address": booking.get("office_address", ""),
        "service_code": booking["service_code"],
        "service_name": booking["service_name"],
        "start": booking["start"],
        "end": booking["end"],
        "window": booking.get("window"),
        "citizen_sub": citizen["sub"],
        "citizen_name": citizen.get("name"),
        "email": citizen.get("email"),
        "locale": booking.get("locale", "uk"),
        "at": at,
    }


def created(booking: dict[str, Any], at: datetime) -> list[EventModel]:
    fee = booking.get("fee")
    events: list[EventModel] = [
        BookingCreated(
            **_common(booking, at),
            paid=fee is not None,
            amount=fee["amount"] if fee else None,
            hold_expires_at=booking.get("hold_expires_at"),
        )
    ]
    if fee is not None:
        citizen = booking["citizen"]
        events.append(
            BookingPaymentRequested(
                booking_id=booking["_id"],
                service_code=booking["service_code"],
                service_name=booking["service_name"],
                amount=fee["amount"],
                iban=fee["iban"],
                edrpou=fee["edrpou"],
                recipient=fee["recipient"],
                budget_code=fee["budget_code"],
                citizen_sub=citizen["sub"],
                citizen_name=citizen.get("name"),
                email=citizen.get("email"),
                locale=booking.get("locale", "uk"),
                hold_expires_at=booking["hold_expires_at"],
            )
        )
    return events


def confirmed(booking: dict[str, Any], at: datetime) -> list[EventModel]:
    return [BookingConfirmed(**_common(booking, at))]


def cancelled(
    booking: dict[str, Any], at: datetime, reason: str, detail: str | None, was_unpaid: bool
) -> list[EventModel]:
    events: list[EventModel] = [
        BookingCancelled(**_common(booking, at), reason=reason, detail=detail)
    ]
    if was_unpaid and not reason.startswith("payment_"):
        # Payments still holds an open intent for it: tell it to cancel (payment_* reasons
        # came from payments itself).
        booking_id = booking["_id"]
        if reason == "hold_expired":
            cancel = BookingPaymentCancelled(booking_id=booking_id, reason="hold_expired", at=at)
        else:
            cancel = BookingPaymentCancelled(
                booking_id=booking_id, reason="booking_cancelled", at=at
            )
        events.append(cancel)
    return events


def moved(
    booking: dict[str, Any], at: datetime, previous_start: datetime, detail: str | None
) -> list[EventModel]:
    return [
        BookingMoved(
            **_common(booking, at),
            previous_start=previous_start,
            reason="air_raid_alert",
            detail=detail,
        )
    ]


def reminder_due(booking: dict[str, Any], at: datetime) -> list[EventModel]:
    return [BookingReminderDue(**_common(booking, at))]


def ticket_called(ticket: dict[str, Any], office_name: str, at: datetime) -> TicketCalled:
    citizen = ticket.get("citizen") or {}
    return TicketCalled(
        ticket=ticket["number"],
        office_id=ticket["office_id"],
        office_name=office_name,
        window=ticket["window"],
        service_code=ticket["service_code"],
        service_name=ticket["service_name"],
        booking_id=ticket.get("booking_id"),
        citizen_sub=citizen.get("sub"),
        citizen_name=citizen.get("name"),
        email=citizen.get("email"),
        locale=ticket.get("locale", "uk"),
        at=at,
    )


def to_outbox(tenant: str, subject: str, events: list[EventModel]) -> list[dict[str, Any]]:
    return [
        outbox_record(
            EventEnvelope.wrap(event, source=SOURCE, subject=subject, tenant=tenant), event.topic
        )
        for event in events
    ]
