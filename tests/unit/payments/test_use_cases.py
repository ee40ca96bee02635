"""Creating, cancelling and refunding payments; what a callback may and may not change."""

from __future__ import annotations

import asyncio

import pytest
from structlog.testing import capture_logs

from chassis.problems import Problem
from services.payments.use_cases import PaymentRequest
from tests.unit.payments.conftest import CITIZEN, FOREIGN_OFFICIAL, OFFICIAL, OTHER_CITIZEN, World

ID_CARD = PaymentRequest("service", "passport-id", 34500)


async def test_the_amount_and_requisites_come_from_the_catalogue(world: World) -> None:
    payment = await world.use_cases.create_payment(
        "chernivtsi", CITIZEN, PaymentRequest("service", "passport-id", None)
    )
    assert payment.status == "created"
    assert payment.amount == 34500
    assert payment.requisites.budget_code == "22012500"
    assert payment.checkout_url.endswith(payment.id)
    assert (payment.expires_at - payment.created_at).total_seconds() == 90 * 60
    assert world.repo.event_types(payment.id) == ["payments.payment.created.v1"]
    assert world.notified == [payment.id]


async def test_a_client_amount_that_differs_from_the_fee_is_refused_naming_the_field(
    world: World,
) -> None:
    with pytest.raises(Problem) as raised:
        await world.use_cases.create_payment(
            "chernivtsi", CITIZEN, PaymentRequest("service", "passport-id", 1)
        )
    assert raised.value.status == 422
    assert [e.field for e in raised.value.errors] == ["amount"]
    assert world.repo.docs == {}


async def test_an_unknown_service_or_fine_is_refused_naming_the_reference(world: World) -> None:
    for request in (PaymentRequest("service", "nope", None), PaymentRequest("fine", "АБ 1", None)):
        with pytest.raises(Problem) as raised:
            await world.use_cases.create_payment("chernivtsi", CITIZEN, request)
        assert raised.value.status == 422
        assert [e.field for e in raised.value.errors] == ["reference"]


async def test_a_fine_is_priced_by_the_register(world: World) -> None:
    payment = await world.use_cases.create_payment(
        "chernivtsi", CITIZEN, PaymentRequest("fine", "DEMO-42", None)
    )
    assert (payment.amount, payment.requisites.budget_code) == (34000, "21081100")


async def test_a_signed_success_callback_moves_the_payment_through_started(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    paid = await world.updates.on_callback(
        "chernivtsi", world.provider.callback(payment, "success")
    )
    assert paid.status == "success"
    assert paid.provider_transaction_id == "2451238907"
    assert [h.status for h in paid.history] == ["created", "started", "success"]
    assert world.repo.event_types(payment.id)[1:] == [
        "payments.payment.started.v1",
        "payments.payment.succeeded.v1",
    ]


async def test_a_forged_callback_is_a_400_and_changes_nothing(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    form = world.provider.callback(payment, "success")
    form["signature"] = "Zm9yZ2Vk"
    with capture_logs() as logs, pytest.raises(Problem) as raised:
        await world.updates.on_callback("chernivtsi", form)
    assert raised.value.status == 400
    assert world.repo.docs[payment.id].status == "created"
    assert world.repo.provider_events == set()
    security = [e for e in logs if e["event"] == "security.payment_callback_rejected"]
    assert security and security[0]["tenant"] == "chernivtsi"
    assert "data" not in security[0] and "signature" not in security[0]  # no payload logged


async def test_a_callback_signed_for_another_council_is_refused(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    with pytest.raises(Problem) as raised:
        await world.updates.on_callback("uzhhorod", world.provider.callback(payment, "success"))
    assert raised.value.status == 400


async def test_a_replayed_callback_changes_nothing(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    form = world.provider.callback(payment, "success")
    await world.updates.on_callback("chernivtsi", form)
    events_before = list(world.repo.event_types(payment.id))
    version = world.repo.docs[payment.id].version
    again = await world.updates.on_callback("chernivtsi", form)
    assert again.status == "success"
    assert world.repo.docs[payment.id].version == version
    assert world.repo.event_types(payment.id) == events_before


async def test_concurrent_success_callbacks_record_one_success(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    forms = [world.provider.callback(payment, "success", attempt=i) for i in range(10)]
    await asyncio.gather(*(world.updates.on_callback("chernivtsi", f) for f in forms))
    assert world.repo.event_types(payment.id).count("payments.payment.succeeded.v1") == 1


async def test_a_success_with_another_amount_is_refused(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    form = world.provider.callback(payment, "success", amount=1.0)
    with pytest.raises(Problem) as raised:
        await world.updates.on_callback("chernivtsi", form)
    assert raised.value.status == 400
    assert world.repo.docs[payment.id].status == "created"


async def test_a_success_after_cancellation_is_kept_out_of_a_terminal_state(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    await world.use_cases.cancel_payment("chernivtsi", CITIZEN, payment.id)
    after = await world.updates.on_callback(
        "chernivtsi", world.provider.callback(payment, "success")
    )
    assert after.status == "cancelled"


async def test_cancelling_a_paid_payment_is_a_409_naming_the_state(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    await world.updates.on_callback("chernivtsi", world.provider.callback(payment, "success"))
    with pytest.raises(Problem) as raised:
        await world.use_cases.cancel_payment("chernivtsi", CITIZEN, payment.id)
    assert raised.value.status == 409
    assert "success" in raised.value.detail


async def test_only_the_payer_and_the_councils_staff_see_a_payment(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    assert (await world.use_cases.get_payment("chernivtsi", OFFICIAL, payment.id)).id == payment.id
    for outsider in (OTHER_CITIZEN, FOREIGN_OFFICIAL):
        with pytest.raises(Problem) as raised:
            await world.use_cases.get_payment("chernivtsi", outsider, payment.id)
        assert raised.value.status == 404
    with pytest.raises(Problem) as raised:
        await world.use_cases.get_payment("uzhhorod", CITIZEN, payment.id)
    assert raised.value.status == 404


async def test_an_official_refunds_a_paid_payment(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    await world.updates.on_callback("chernivtsi", world.provider.callback(payment, "success"))
    refunded = await world.use_cases.refund_payment(
        "chernivtsi", OFFICIAL, payment.id, "Послугу не надано"
    )
    assert refunded.status == "refunded"
    assert refunded.refunded_amount == 34500
    assert world.repo.event_types(payment.id)[-2:] == [
        "payments.payment.refund_requested.v1",
        "payments.payment.refunded.v1",
    ]


async def test_a_refund_needs_staff_of_that_council_and_a_paid_payment(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    for who in (CITIZEN, FOREIGN_OFFICIAL):
        with pytest.raises(Problem) as raised:
            await world.use_cases.refund_payment("chernivtsi", who, payment.id, "x")
        assert raised.value.status == 403
    with pytest.raises(Problem) as raised:
        await world.use_cases.refund_payment("chernivtsi", OFFICIAL, payment.id, "x")
    assert raised.value.status == 409
    assert "created" in raised.value.detail


async def test_a_version_conflict_is_retried_on_the_fresh_state(world: World) -> None:
    payment = await world.use_cases.create_payment("chernivtsi", CITIZEN, ID_CARD)
    world.repo.conflicts_to_inject = 2
    cancelled = await world.use_cases.cancel_payment("chernivtsi", CITIZEN, payment.id)
    assert cancelled.status == "cancelled"
