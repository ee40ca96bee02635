"""A booking's transitions and time rules, the catalogue (Law 5203-VI) and the office checks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.queue.domain.booking import check_cancel_deadline, check_in_window, next_status
from services.queue.domain.catalogue import AdminService, Name, check_service
from services.queue.domain.errors import Refused
from services.queue.domain.office import Interval, Window, check_office
from tests.unit.queue.builders import FREE, NOW, PAID, office


def test_a_paid_booking_is_confirmed_only_while_awaiting_payment() -> None:
    assert next_status("awaiting_payment", "confirm") == "booked"
    with pytest.raises(Refused) as refused:
        next_status("cancelled", "confirm")
    assert refused.value.status == 409 and "cancelled" in refused.value.detail
    assert refused.value.field == "status"


def test_only_active_bookings_can_be_cancelled_or_moved() -> None:
    assert next_status("booked", "cancel") == "cancelled"
    assert next_status("awaiting_payment", "move") == "awaiting_payment"
    for done in ("checked_in", "served", "no_show", "cancelled"):
        with pytest.raises(Refused):
            next_status(done, "cancel")


def test_the_citizen_cancels_until_the_deadline_staff_any_time() -> None:
    start = NOW + timedelta(hours=3)
    check_cancel_deadline(start, NOW, 2, by_staff=False)
    with pytest.raises(Refused) as late:
        check_cancel_deadline(start, NOW + timedelta(hours=1, minutes=1), 2, by_staff=False)
    assert late.value.status == 409
    check_cancel_deadline(start, NOW + timedelta(hours=2, minutes=59), 2, by_staff=True)


def test_check_in_is_open_around_the_booked_time_only() -> None:
    start, end = NOW + timedelta(hours=1), NOW + timedelta(hours=1, minutes=15)
    check_in_window(start, end, NOW, 120)
    with pytest.raises(Refused):
        check_in_window(start, end, NOW - timedelta(hours=2), 120)
    with pytest.raises(Refused):
        check_in_window(start, end, end + timedelta(minutes=1), 120)


def test_term_of_an_administrative_service_is_at_most_30_days_law_5203_VI() -> None:
    check_service(AdminService("x", Name("X"), 15, 30))
    with pytest.raises(Refused) as refused:
        check_service(AdminService("x", Name("X"), 15, 31))
    assert refused.value.field == "max_term_days"


def test_a_paid_service_names_its_fee_and_requisites_law_5203_VI() -> None:
    check_service(PAID)
    with pytest.raises(Refused) as no_fee:
        check_service(AdminService("x", Name("X"), 15, 10, paid=True))
    assert no_fee.value.field == "fee"
    with pytest.raises(Refused):
        check_service(AdminService("x", Name("X"), 15, 10, paid=False, fee=PAID.fee))


def test_an_office_needs_unique_windows_serving_known_services() -> None:
    known = {FREE.code, PAID.code}
    check_office(office(windows=2), known)
    with pytest.raises(Refused) as dup:
        check_office(office(window_list=[Window(1, [FREE.code]), Window(1, [FREE.code])]), known)
    assert dup.value.field == "windows"
    with pytest.raises(Refused) as unknown:
        check_office(office(), {FREE.code})
    assert unknown.value.field == "windows.services"
    with pytest.raises(Refused) as backwards:
        check_office(office(breaks=[Interval("13:00", "12:00")]), known)
    assert backwards.value.field == "breaks"
