"""Golden examples of the queue service's events."""

from contracts.envelope import EventModel
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

_BOOKING = {
    "booking_id": "b-5d1f0c2e",
    "status": "booked",
    "office_id": "cnap-centre",
    "office_name": "Центр надання адміністративних послуг",
    "office_address": "вул. Центральна, 1",
    "service_code": "passport-id",
    "service_name": "Оформлення паспорта громадянина України у формі ID-картки",
    "start": "2026-03-11T08:00:00Z",
    "end": "2026-03-11T08:30:00Z",
    "window": 2,
    "citizen_sub": "citizen-1",
    "citizen_name": "Олена Коваль",
    "email": "olena@example.ua",
    "at": "2026-03-10T09:00:00Z",
}

EXAMPLES: dict[str, EventModel] = {
    BookingPaymentRequested.event_type: BookingPaymentRequested(
        booking_id="b-5d1f0c2e",
        service_code="passport-id",
        service_name="Оформлення паспорта громадянина України у формі ID-картки",
        amount=34500,
        iban="UA908201720355179003000000000",
        edrpou="37951998",
        recipient="ГУК у Чернівецькій обл./м.Чернівці/22012500",
        budget_code="22012500",
        citizen_sub="citizen-1",
        citizen_name="Олена Коваль",
        email="olena@example.ua",
        hold_expires_at="2026-03-11T10:15:00Z",
    ),
    BookingPaymentCancelled.event_type: BookingPaymentCancelled(
        booking_id="b-5d1f0c2e", reason="hold_expired", at="2026-03-11T10:15:00Z"
    ),
    BookingCreated.event_type: BookingCreated(
        **{**_BOOKING, "status": "awaiting_payment"},
        paid=True,
        amount=34500,
        hold_expires_at="2026-03-10T09:15:00Z",
    ),
    BookingConfirmed.event_type: BookingConfirmed(**_BOOKING),
    BookingCancelled.event_type: BookingCancelled(
        **{**_BOOKING, "status": "cancelled"}, reason="citizen", detail=None
    ),
    BookingMoved.event_type: BookingMoved(
        **_BOOKING,
        previous_start="2026-03-11T07:00:00Z",
        reason="air_raid_alert",
        detail="Повітряна тривога",
    ),
    BookingReminderDue.event_type: BookingReminderDue(**_BOOKING),
    TicketCalled.event_type: TicketCalled(
        ticket="A-017",
        office_id="cnap-centre",
        office_name="Центр надання адміністративних послуг",
        window=2,
        service_code="passport-id",
        service_name="Оформлення паспорта громадянина України у формі ID-картки",
        booking_id="b-5d1f0c2e",
        citizen_sub="citizen-1",
        citizen_name="Олена Коваль",
        email="olena@example.ua",
        at="2026-03-11T08:02:00Z",
    ),
}
