"""The paid-booking saga (one intent per booking, withdrawn with the hold) and the expiry job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.problems import Problem
from contracts.envelope import EventEnvelope, EventModel
from services.payments.jobs import PaymentJobs
from services.payments.saga import booking_payment_id
from services.payments.use_cases import PaymentRequest
from tests.contracts.examples.queue import EXAMPLES as QUEUE_EXAMPLES
from tests.unit.payments.conftest import CITIZEN, OFFICIAL, World

REQUESTED = "queue.booking.payment_requested.v1"
CANCELLED = "queue.booking.payment_cancelled.v1"


def envelope(event: EventModel, **changes: Any) -> EventEnvelope:
    event = event.model_copy(update=changes)
    return EventEnvelope.wrap(event, source="/hromada/queue", subject="b-1", tenant="chernivtsi")


def requested(world: World, **changes: Any) -> EventEnvelope:
    hold = world.clock.now + timedelta(minutes=30)
    return envelope(QUEUE_EXAMPLES[REQUESTED], hold_expires_at=hold, **changes)


async def test_a_booking_gets_one_intent_however_often_it_is_requested(world: World) -> None:
    event = requested(world)
    await world.saga.on_payment_requested(event)
    await world.saga.on_payment_requested(requested(world))  # published twice by queue
    booking_id = event.data["booking_id"]
    payment_id = booking_payment_id("chernivtsi", booking_id)
    assert list(world.repo.docs) == [payment_id]
    payment = world.repo.docs[payment_id]
    assert (payment.booking_id, payment.amount) == (booking_id, event.data["amount"])
    assert payment.expires_at == world.clock.now + timedelta(minutes=30)  # the hold is shorter
    assert world.provider.registered == [payment_id]


async def test_the_booking_citizen_pays_the_booking_intent_and_nobody_else(world: World) -> None:
    event = requested(world)
    await world.saga.on_payment_requested(event)
    payer = Principal(sub=event.data["citizen_sub"], roles=frozenset({"citizen"}))
    request = PaymentRequest("service", event.data["booking_id"], None)
    payment = await world.use_cases.create_payment("chernivtsi", payer, request)
    assert payment.id == booking_payment_id("chernivtsi", event.data["booking_id"])
    assert CITIZEN.sub != payer.sub
    with pytest.raises(Problem) as raised:
        await world.use_cases.create_payment("chernivtsi", CITIZEN, request)
    assert raised.value.status == 404


async def test_the_hold_ending_cancels_an_open_intent_and_refunds_a_paid_one(world: World) -> None:
    event = requested(world)
    await world.saga.on_payment_requested(event)
    payment_id = booking_payment_id("chernivtsi", event.data["booking_id"])
    await world.saga.on_payment_cancelled(
        envelope(QUEUE_EXAMPLES[CANCELLED], booking_id=event.data["booking_id"])
    )
    assert world.repo.docs[payment_id].status == "cancelled"
    assert world.repo.event_types(payment_id)[-1] == "payments.payment.cancelled.v1"

    paid_event = requested(world, booking_id="b-paid")
    await world.saga.on_payment_requested(paid_event)
    paid_id = booking_payment_id("chernivtsi", "b-paid")
    await world.updates.on_callback(
        "chernivtsi", world.provider.callback(world.repo.docs[paid_id], "success")
    )
    # Paid just as the hold ran out: queue released the slot, so the money goes back.
    await world.saga.on_payment_cancelled(envelope(QUEUE_EXAMPLES[CANCELLED], booking_id="b-paid"))
    assert world.repo.docs[paid_id].status == "refunded"
    assert [h.by for h in world.repo.docs[paid_id].history][-2:] == ["queue", "provider"]


def jobs(world: World) -> PaymentJobs:
    return PaymentJobs(
        world.repo,  # type: ignore[arg-type]
        world.changes,
        world.provider,
        world.updates,
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        1.0,
        poll_after=timedelta(minutes=2),
        key_retention=timedelta(hours=48),
        clock=world.clock,
    )


async def test_an_unpaid_payment_expires_after_90_minutes(world: World) -> None:
    payment = await world.use_cases.create_payment(
        "chernivtsi", CITIZEN, PaymentRequest("service", "passport-id", None)
    )
    job = jobs(world)
    world.clock.advance(minutes=89)
    await job.expire("chernivtsi", payment.id)
    assert world.repo.docs[payment.id].status == "created"
    world.clock.advance(minutes=1)
    await job.expire("chernivtsi", payment.id)
    assert world.repo.docs[payment.id].status == "expired"
    assert world.repo.event_types(payment.id)[-1] == "payments.payment.expired.v1"


async def test_expiry_asks_the_provider_first_and_keeps_a_last_minute_success(world: World) -> None:
    payment = await world.use_cases.create_payment(
        "chernivtsi", CITIZEN, PaymentRequest("service", "passport-id", None)
    )
    world.provider.orders[payment.id] = "success"  # the callback never arrived
    world.clock.advance(minutes=91)
    await jobs(world).expire("chernivtsi", payment.id)
    assert world.repo.docs[payment.id].status == "success"


async def test_a_refund_that_never_reached_the_provider_is_sent_again_by_the_poll(
    world: World,
) -> None:
    payment = await world.use_cases.create_payment(
        "chernivtsi", CITIZEN, PaymentRequest("service", "passport-id", None)
    )
    await world.updates.on_callback("chernivtsi", world.provider.callback(payment, "success"))
    world.provider.orders[payment.id] = "success"

    async def provider_down(_: Any) -> Any:
        from services.payments.provider import ProviderUnavailable

        raise ProviderUnavailable("timeout")

    real_refund = world.provider.refund
    world.provider.refund = provider_down  # type: ignore[method-assign]
    pending = await world.use_cases.refund_payment("chernivtsi", OFFICIAL, payment.id, "Помилка")
    assert pending.status == "refund_pending"

    world.provider.refund = real_refund  # type: ignore[method-assign]
    await jobs(world).poll("chernivtsi", payment.id)
    assert world.repo.docs[payment.id].status == "refunded"
