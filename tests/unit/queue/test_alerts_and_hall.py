"""Air-raid alerts move or cancel bookings; the hall numbers, calls and finishes tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chassis.problems import Problem
from services.queue.domain.errors import Refused
from services.queue.saga import confirm_rule
from tests.unit.queue.builders import FREE, PAID, TENANT, citizen, make_queue, office, staff

SLOT = datetime(2026, 3, 11, 7, 0, tzinfo=UTC)  # 09:00 in Kyiv


async def test_an_alert_moves_bookings_to_the_first_free_slot_after_it() -> None:
    q = await make_queue(office(windows=1))
    victim = await q.use_cases.book(TENANT, citizen("c-1"), "cnap", FREE.code, SLOT)
    after_alert = SLOT + timedelta(minutes=30)
    await q.use_cases.book(TENANT, citizen("c-2"), "cnap", FREE.code, after_alert)  # taken
    result = await q.alerts.declare(TENANT, "cnap", SLOT, after_alert, "Тривога", "s-1")
    assert result["moved"] == [victim["_id"]] and result["cancelled"] == []
    moved = await q.bookings.get(TENANT, victim["_id"])
    assert moved is not None and moved["start"] == after_alert + timedelta(minutes=15)
    assert moved["history"][-1]["action"] == "move"
    assert "queue.booking.moved.v1" in q.outbox_types(victim["_id"])
    # The old seat is free again, but the alert's range can no longer be booked.
    with pytest.raises(Refused):
        await q.use_cases.book(TENANT, citizen("c-3"), "cnap", FREE.code, SLOT)


async def test_an_alert_cancels_what_cannot_be_moved_within_the_horizon() -> None:
    q = await make_queue(office(windows=1, hours={}))  # no opening hours at all afterwards
    await q.catalogue.put_office(TENANT, office(windows=1))
    booking = await q.use_cases.book(TENANT, citizen("c-1"), "cnap", FREE.code, SLOT)
    await q.catalogue.put_office(TENANT, office(windows=1, hours={}))
    result = await q.alerts.declare(TENANT, "cnap", SLOT, SLOT + timedelta(hours=1), "Т", "s")
    assert result["cancelled"] == [booking["_id"]]
    after = await q.bookings.get(TENANT, booking["_id"])
    assert after is not None and after["cancel_reason"] == "air_raid_alert"
    assert q.db["slot_seats"].docs == {}


async def test_alert_range_is_checked() -> None:
    q = await make_queue()
    with pytest.raises(Refused) as refused:
        await q.alerts.declare(TENANT, "cnap", SLOT, SLOT, "Т", "s")
    assert refused.value.field == "ends_at"


async def test_the_hall_numbers_calls_in_order_and_finishes_tickets() -> None:
    q = await make_queue(office(windows=1))
    q.clock.now = SLOT - timedelta(minutes=30)
    booking = await q.use_cases.book(TENANT, citizen("c-1"), "cnap", PAID.code, SLOT)
    await q.bookings.change(TENANT, booking["_id"], confirm_rule)  # paid
    walk = await q.hall.walk_in(TENANT, staff(), "cnap", FREE.code, priority=False)
    prio = await q.hall.walk_in(TENANT, staff(), "cnap", FREE.code, priority=True)
    booked = await q.hall.check_in(TENANT, staff(), booking["_id"])
    assert (walk["number"], prio["number"], booked["number"]) == ("C-001", "C-002", "A-001")
    q.clock.now = SLOT
    order = []
    for _ in range(3):
        called = await q.hall.call_next(TENANT, staff(), "cnap", 1)
        assert called is not None
        order.append(called["number"])
        await q.hall.finish(TENANT, staff(), "cnap", called["number"], "served")
    assert order == ["A-001", "C-002", "C-001"]
    assert await q.hall.call_next(TENANT, staff(), "cnap", 1) is None
    after = await q.bookings.get(TENANT, booking["_id"])
    assert after is not None and after["status"] == "served" and after["ticket"] == "A-001"
    board = await q.hall.board(TENANT, "cnap")
    assert board["waiting"] == [] and board["serving"] == []


async def test_another_councils_staff_cannot_run_this_hall() -> None:
    q = await make_queue()
    with pytest.raises(Problem) as refused:
        await q.hall.walk_in(TENANT, staff("chernivtsi"), "cnap", FREE.code, priority=False)
    assert refused.value.status == 403
    with pytest.raises(Problem):
        await q.hall.call_next(TENANT, staff("chernivtsi"), "cnap", 1)


async def test_a_booking_checks_in_once_and_a_called_ticket_can_be_a_no_show() -> None:
    q = await make_queue()
    q.clock.now = SLOT - timedelta(minutes=10)
    booking = await q.use_cases.book(TENANT, citizen("c-1"), "cnap", FREE.code, SLOT)
    ticket = await q.hall.check_in(TENANT, staff(), booking["_id"])
    with pytest.raises(Refused) as twice:
        await q.hall.check_in(TENANT, staff(), booking["_id"])
    assert twice.value.status == 409
    await q.hall.call_next(TENANT, staff(), "cnap", 1)
    await q.hall.finish(TENANT, staff(), "cnap", ticket["number"], "no_show")
    after = await q.bookings.get(TENANT, booking["_id"])
    assert after is not None and after["status"] == "no_show"
    with pytest.raises(Refused):
        await q.hall.finish(TENANT, staff(), "cnap", ticket["number"], "served")
