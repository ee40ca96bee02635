"""Golden examples of the queue service's events."""

from contracts.envelope import EventModel
from contracts.queue import BookingPaymentCancelled, BookingPaymentRequested

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
}
