"""The saga contract with a real broker: queue's BookingPaymentRequested (produced here)
becomes one intent; paying at the sandbox publishes PaymentSucceeded; BookingPaymentCancelled
cancels an open intent; a payment past its time expires (leader job) and says so on Kafka."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from chassis.settings import ServiceSettings
from contracts.queue import BookingPaymentCancelled, BookingPaymentRequested
from contracts.topics import PAYMENTS_PAYMENT
from services.payments.saga import booking_payment_id
from tests.integration.payments.helpers import (
    PAYMENTS,
    SANDBOX,
    call,
    citizen,
    publish,
    reading,
    wait_status,
)

pytestmark = pytest.mark.integration
TENANT = "chernivtsi"


def booking_request(booking_id: str, sub: str) -> BookingPaymentRequested:
    return BookingPaymentRequested(
        booking_id=booking_id,
        service_code="id-card",
        service_name="Оформлення ID-картки",
        amount=34500,
        iban="UA213223130000026007233566001",
        edrpou="37978503",
        recipient="ГУК у Чернівецькій області",
        budget_code="22012500",
        citizen_sub=sub,
        email="olena@example.ua",
        hold_expires_at=datetime.now(UTC) + timedelta(minutes=30),
    )


async def request_intent(booking_id: str, sub: str, times: int = 1) -> str:
    for _ in range(times):  # each a new envelope id: queue published it again
        await publish(
            booking_request(booking_id, sub),
            tenant=TENANT,
            subject=booking_id,
            source="/hromada/queue",
        )
    return booking_payment_id(TENANT, booking_id)


def of(payment_id: str, event_type: str) -> Any:
    return lambda e: e["subject"] == payment_id and e["type"] == event_type


async def test_a_requested_booking_gets_one_intent_and_success_is_published() -> None:
    booking_id, sub = f"b-{uuid.uuid4().hex[:10]}", f"c-{uuid.uuid4().hex[:8]}"
    headers = citizen(sub)
    async with reading(PAYMENTS_PAYMENT) as events:
        payment_id = await request_intent(booking_id, sub, times=2)
        created = await events.wait_for(of(payment_id, "payments.payment.created.v1"))
        assert created["tenant"] == TENANT and created["data"]["booking_id"] == booking_id
        payment = await asyncio.to_thread(
            wait_status, PAYMENTS, TENANT, payment_id, headers, "created"
        )
        assert payment["amount"] == 34500 and payment["requisites"]["budget_code"] == "22012500"

        paid = call("POST", payment["checkout_url"], json={"result": "success"})
        assert paid.status_code == 200, paid.text
        succeeded = await events.wait_for(of(payment_id, "payments.payment.succeeded.v1"))
        assert succeeded["data"]["reference"] == booking_id
        assert succeeded["data"]["provider_transaction_id"]
        assert succeeded["data"]["receipt_url"] == f"/api/v1/{TENANT}/payments/{payment_id}/receipt"
    created_events = [e for e in events.seen if of(payment_id, "payments.payment.created.v1")(e)]
    assert len(created_events) == 1  # requested twice, created once


async def test_the_hold_ending_cancels_the_intent() -> None:
    booking_id, sub = f"b-{uuid.uuid4().hex[:10]}", f"c-{uuid.uuid4().hex[:8]}"
    async with reading(PAYMENTS_PAYMENT) as events:
        payment_id = await request_intent(booking_id, sub)
        await events.wait_for(of(payment_id, "payments.payment.created.v1"))
        cancel = BookingPaymentCancelled(
            booking_id=booking_id, reason="hold_expired", at=datetime.now(UTC)
        )
        await publish(cancel, tenant=TENANT, subject=booking_id, source="/hromada/queue")
        cancelled = await events.wait_for(of(payment_id, "payments.payment.cancelled.v1"))
        assert cancelled["data"]["reason"] == "hold_expired"
    refused = call("POST", f"{SANDBOX}/checkout/{payment_id}", json={"result": "success"})
    # The sandbox still takes the money (it knows nothing of the cancellation); payments keeps
    # the cancelled state, and reconciliation lists the money as a mismatch.
    assert refused.status_code == 200
    headers = citizen(sub)
    after = call("GET", f"{PAYMENTS}/api/v1/{TENANT}/payments/{payment_id}", headers=headers)
    assert after.json()["status"] == "cancelled"


async def move_deadline_to_the_past(
    client: AsyncMongoClient[dict[str, Any]], payment_id: str
) -> None:
    """90 minutes pass: move the deadline instead of waiting. Once the outbox relay is done
    with the document (on FerretDB a concurrent update could overwrite ours), and checked."""
    payments = client["hromada_payments"]["payments"]
    past = datetime.now(UTC) - timedelta(seconds=1)
    for _ in range(240):
        doc = await payments.find_one({"_id": payment_id})
        assert doc is not None
        if doc["expires_at"] <= past or doc["status"] == "expired":
            return
        if not doc.get("outbox"):
            await payments.update_one({"_id": payment_id}, {"$set": {"expires_at": past}})
        await asyncio.sleep(0.25)
    raise AssertionError("could not move the payment's deadline")


async def test_an_unpaid_payment_expires_and_says_so_on_kafka() -> None:
    sub = f"c-{uuid.uuid4().hex[:8]}"
    headers = citizen(sub)
    created = call(
        "POST",
        f"{PAYMENTS}/api/v1/{TENANT}/payments",
        json={"purpose": "service", "reference": "land-extract"},
        headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert created.status_code == 201, created.text
    payment_id = created.json()["id"]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        ServiceSettings().mongo_url, tz_aware=True
    )
    async with reading(PAYMENTS_PAYMENT) as events:
        await move_deadline_to_the_past(client, payment_id)
        expired = await events.wait_for(of(payment_id, "payments.payment.expired.v1"))
        assert expired["data"]["status"] == "expired"
    await client.close()
    # The provider's clock still allows paying (we only moved ours): a late success arrives,
    # is acknowledged, and never revives the expired payment.
    late = call("POST", f"{SANDBOX}/checkout/{payment_id}", json={"result": "success"})
    assert late.status_code == 200 and late.json()["callback_status"] == 200, late.text
    after = call("GET", f"{PAYMENTS}/api/v1/{TENANT}/payments/{payment_id}", headers=headers)
    assert after.json()["status"] == "expired"
    assert [h["status"] for h in after.json()["history"]] == ["created", "expired"]
