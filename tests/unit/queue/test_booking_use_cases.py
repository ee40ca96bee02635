"""Booking on the real repositories over an in-memory database: capacity under concurrency,
cancel frees, the monthly limit, and the paid-booking saga with its hold."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from contracts.envelope import EventEnvelope
from contracts.payments import PaymentFailed, PaymentSucceeded
from services.queue.booking_use_cases import cancellation
from services.queue.domain.errors import Refused
from tests.unit.queue.builders import FREE, PAID, TENANT, Queue, citizen, make_queue, office

DAY = date(2026, 3, 11)
SLOT = datetime(2026, 3, 11, 7, 0, tzinfo=UTC)  # 09:00 in Kyiv


async def book(q: Queue, sub: str, start: datetime = SLOT, code: str = FREE.code) -> Any:
    return await q.use_cases.book(TENANT, citizen(sub), "cnap", code, start)


async def test_fifty_citizens_on_a_one_window_slot_exactly_one_gets_it() -> None:
    q = await make_queue(office(windows=1))
    results = await asyncio.gather(*(book(q, f"c-{i}") for i in range(50)), return_exceptions=True)
    booked = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(booked) == 1 and len(refused) == 49
    assert all(r.status == 409 and r.field == "start" for r in refused)
    # The losers gave back their monthly seats: nothing half-written holds capacity.
    assert len(q.db["month_seats"].docs) == 1 and len(q.db["slot_seats"].docs) == 1


async def test_a_slot_of_three_windows_takes_exactly_three() -> None:
    q = await make_queue(office(windows=3))
    results = await asyncio.gather(*(book(q, f"c-{i}") for i in range(20)), return_exceptions=True)
    booked = [r for r in results if isinstance(r, dict)]
    assert sorted(b["window"] for b in booked) == [1, 2, 3]
    slots = await q.use_cases.list_slots(TENANT, "cnap", FREE.code, DAY)
    assert next(s for s in slots if s.start == SLOT).available == 0


async def test_cancel_frees_the_slot_for_the_next_citizen() -> None:
    q = await make_queue()
    first = await book(q, "c-1")
    with pytest.raises(Refused):
        await book(q, "c-2")
    cancelled = await q.use_cases.cancel(TENANT, citizen("c-1"), first["_id"])
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "citizen"
    assert "queue.booking.cancelled.v1" in q.outbox_types(first["_id"])
    assert (await book(q, "c-2"))["status"] == "booked"


async def test_at_most_four_bookings_a_month_per_citizen_MVS_practice() -> None:
    q = await make_queue(office(windows=1))
    made = [await book(q, "c-1", SLOT + timedelta(minutes=15 * i)) for i in range(4)]
    with pytest.raises(Refused) as fifth:
        await book(q, "c-1", SLOT + timedelta(minutes=60))
    assert fifth.value.status == 409
    await q.use_cases.cancel(TENANT, citizen("c-1"), made[0]["_id"])
    assert (await book(q, "c-1", SLOT + timedelta(minutes=60)))["status"] == "booked"


async def test_another_citizen_cannot_see_or_cancel_a_booking() -> None:
    q = await make_queue()
    mine = await book(q, "c-1")
    for call in (q.use_cases.get, q.use_cases.cancel):
        with pytest.raises(Refused) as refused:
            await call(TENANT, citizen("c-2"), mine["_id"])
        assert refused.value.status == 404


async def test_a_start_off_the_grid_is_refused_naming_the_field() -> None:
    q = await make_queue()
    with pytest.raises(Refused) as refused:
        await book(q, "c-1", SLOT + timedelta(minutes=7))
    assert refused.value.status == 422 and refused.value.field == "start"
    with pytest.raises(Refused) as unknown:
        await q.use_cases.book(TENANT, citizen(), "cnap", "no-such", SLOT)
    assert unknown.value.field == "service_code"


def envelope_of(model: Any) -> EventEnvelope:
    return EventEnvelope.wrap(model, source="/hromada/payments", subject="p-1", tenant=TENANT)


def payment(kind: type[Any], booking_id: str, **extra: Any) -> EventEnvelope:
    common = {
        "payment_id": "p-1",
        "purpose": "service",
        "reference": booking_id,
        "booking_id": booking_id,
        "amount": 34500,
        "status": "x",
        "citizen_sub": "c-1",
        "at": "2026-03-10T08:05:00Z",
    }
    return envelope_of(kind(**common, **extra))


async def test_a_paid_booking_waits_for_payment_then_the_success_confirms_it() -> None:
    q = await make_queue()
    booking = await book(q, "c-1", code=PAID.code)
    assert booking["status"] == "awaiting_payment"
    assert booking["hold_expires_at"] == q.clock.now + timedelta(minutes=15)
    assert list(q.db["payment_holds"].docs) == [booking["_id"]]
    assert q.outbox_types(booking["_id"]) == [
        "queue.booking.created.v1",
        "queue.booking.payment_requested.v1",
    ]
    success = payment(
        PaymentSucceeded, booking["_id"], provider_transaction_id="t-1", receipt_url="/r"
    )
    await q.saga.on_payment_succeeded(success)
    await q.saga.on_payment_succeeded(success)  # redelivered: no second confirmation
    after = await q.bookings.get(TENANT, booking["_id"])
    assert after is not None and after["status"] == "booked"
    assert q.outbox_types(booking["_id"]).count("queue.booking.confirmed.v1") == 1
    assert q.db["payment_holds"].docs == {}  # nothing left for the hold job


async def test_a_failed_payment_releases_the_slot() -> None:
    q = await make_queue()
    booking = await book(q, "c-1", code=PAID.code)
    await q.saga.on_payment_ended(payment(PaymentFailed, booking["_id"], reason="declined"))
    after = await q.bookings.get(TENANT, booking["_id"])
    assert after is not None and after["cancel_reason"] == "payment_failed"
    assert q.db["slot_seats"].docs == {} and q.db["month_seats"].docs == {}
    assert q.db["payment_holds"].docs == {}
    # payments ended it itself: no request to cancel the intent back
    assert "queue.booking.payment_cancelled.v1" not in q.outbox_types(booking["_id"])


async def test_an_expired_hold_releases_the_slot_and_cancels_the_intent() -> None:
    q = await make_queue()
    booking = await book(q, "c-1", code=PAID.code)
    q.clock.advance(minutes=14)
    assert (await q.jobs.tick())[0] == 0
    q.clock.advance(minutes=2)
    assert (await q.jobs.tick())[0] == 1
    after = await q.bookings.get(TENANT, booking["_id"])
    assert after is not None and after["status"] == "cancelled"
    assert after["cancel_reason"] == "hold_expired"
    types = q.outbox_types(booking["_id"])
    assert "queue.booking.payment_cancelled.v1" in types
    assert q.db["slot_seats"].docs == {}
    # A success arriving after the release leaves the booking cancelled.
    late = payment(PaymentSucceeded, booking["_id"], provider_transaction_id="t", receipt_url="/r")
    await q.saga.on_payment_succeeded(late)
    assert (await q.bookings.get(TENANT, booking["_id"]) or {})["status"] == "cancelled"


async def test_a_reminder_is_announced_once_a_day_ahead() -> None:
    q = await make_queue()
    booking = await book(q, "c-1")
    assert (await q.jobs.tick())[1] == 1
    assert (await q.jobs.tick())[1] == 0
    assert q.outbox_types(booking["_id"]).count("queue.booking.reminder_due.v1") == 1


async def test_seats_a_crashed_writer_never_gave_back_are_freed_by_the_job() -> None:
    q = await make_queue()
    booking = await book(q, "c-1")
    # The cancellation is stored, then the process dies before freeing the seats.
    await q.bookings.change(
        TENANT, booking["_id"], lambda b, now: cancellation(b, now, "staff", None)
    )
    assert q.db["slot_seats"].docs and q.db["month_seats"].docs
    await q.jobs.tick()
    assert q.db["slot_seats"].docs  # a writer may still be at it: not yet
    q.clock.advance(minutes=2)
    await q.jobs.tick()
    assert q.db["slot_seats"].docs == {} and q.db["month_seats"].docs == {}
    assert q.db["bookings"].docs[booking["_id"]]["to_free"] == []
    assert (await book(q, "c-2"))["status"] == "booked"


@pytest.mark.parametrize("stored", [True, False])
async def test_a_failed_booking_write_gives_back_its_seats_unless_it_was_stored(
    stored: bool,
) -> None:
    q = await make_queue()
    bookings = q.db["bookings"]
    real_insert = bookings.insert_one

    async def insert_then_time_out(doc: dict[str, Any]) -> None:
        if stored:
            await real_insert(doc)
        raise TimeoutError("no answer from the server")

    bookings.insert_one = insert_then_time_out  # type: ignore[method-assign]
    with pytest.raises(TimeoutError):
        await book(q, "c-1")
    held = bool(q.db["slot_seats"].docs) and bool(q.db["month_seats"].docs)
    assert held is stored
