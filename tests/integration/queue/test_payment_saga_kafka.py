"""The paid-booking saga's Kafka contract on the real broker and the running queue service:
a paid booking publishes `queue.booking.payment_requested.v1`; a `payments.payment.succeeded.v1`
produced to Kafka confirms it, a `payments.payment.failed.v1` releases its slot. (Payments
itself is not needed: this test plays its part on the wire.)"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from chassis.settings import ServiceSettings
from contracts.envelope import EventEnvelope
from contracts.payments import PaymentFailed, PaymentSucceeded
from contracts.topics import PAYMENTS_PAYMENT, QUEUE_BOOKING
from tests.integration.queue.offices import (
    admin_claims,
    citizen_claims,
    new_office_id,
    office_body,
    visit_day,
)

pytestmark = pytest.mark.integration

SETTINGS = ServiceSettings(service_name="queue-test")
GATEWAY = "http://127.0.0.1:8000"  # only for dev tokens
QUEUE = "http://127.0.0.1:8104"
TENANT = "kamianske"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30.0) as client:
        yield client


async def token(http: httpx.AsyncClient, claims: dict[str, Any]) -> dict[str, str]:
    response = await http.post(f"{GATEWAY}/auth/dev/token", json=claims)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def office_id(http: httpx.AsyncClient) -> AsyncIterator[str]:
    oid = new_office_id()
    path = f"{QUEUE}/api/v1/{TENANT}/queue/offices/{oid}"
    admin = await token(http, admin_claims(TENANT))
    response = await http.put(path, json=office_body(oid), headers=admin)
    assert response.status_code == 200, response.text
    yield oid
    await http.put(path, json={**office_body(oid), "active": False}, headers=admin)


async def free_slots(http: httpx.AsyncClient, office_id: str) -> list[dict[str, Any]]:
    response = await http.get(
        f"{QUEUE}/api/v1/{TENANT}/queue/offices/{office_id}/slots",
        params={"service": "passport-id", "date": visit_day().isoformat()},
    )
    return list(response.json()["items"])


async def book_paid(http: httpx.AsyncClient, office_id: str, index: int) -> dict[str, Any]:
    slots = await free_slots(http, office_id)
    response = await http.post(
        f"{QUEUE}/api/v1/{TENANT}/queue/bookings",
        json={
            "office_id": office_id,
            "service_code": "passport-id",
            "start": slots[index]["start"],
        },
        headers=await token(http, citizen_claims()),
    )
    assert response.status_code == 201, response.text
    booking = response.json()
    assert booking["status"] == "awaiting_payment" and booking["amount"] == 34500
    return booking


@pytest.fixture
async def producer() -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=SETTINGS.kafka_bootstrap, acks="all")
    await p.start()
    yield p
    await p.stop()


async def produce(producer: AIOKafkaProducer, event: Any, booking_id: str) -> None:
    envelope = EventEnvelope.wrap(
        event, source="/hromada/payments", subject=event.payment_id, tenant=TENANT
    )
    await producer.send_and_wait(
        PAYMENTS_PAYMENT, envelope.model_dump_json().encode(), key=envelope.key.encode()
    )


def payment_fields(booking: dict[str, Any]) -> dict[str, Any]:
    return {
        "payment_id": f"p-{uuid.uuid4().hex[:10]}",
        "purpose": "service",
        "reference": booking["id"],
        "booking_id": booking["id"],
        "amount": booking["amount"],
        "status": "x",
        "citizen_sub": "c",
        "at": datetime.now(UTC),
    }


async def wait_for_status(
    http: httpx.AsyncClient, booking_id: str, headers: dict[str, str], status: str
) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        found = await http.get(
            f"{QUEUE}/api/v1/{TENANT}/queue/bookings/{booking_id}", headers=headers
        )
        if found.status_code == 200 and found.json()["status"] == status:
            return dict(found.json())
        assert time.monotonic() < deadline, f"booking never became {status}: {found.text}"
        await asyncio.sleep(0.3)


async def test_a_paid_booking_asks_payments_on_kafka_for_an_intent(
    http: httpx.AsyncClient, office_id: str
) -> None:
    consumer = AIOKafkaConsumer(
        QUEUE_BOOKING,
        bootstrap_servers=SETTINGS.kafka_bootstrap,
        group_id=f"queue-test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="latest",
    )
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)
        booking = await book_paid(http, office_id, 0)
        wanted = {"queue.booking.created.v1", "queue.booking.payment_requested.v1"}
        seen: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + 60
        while wanted - set(seen) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                for record in records:
                    body = json.loads(record.value)
                    if body["subject"] == booking["id"]:
                        seen[body["type"]] = body
        assert wanted <= set(seen)
        request = seen["queue.booking.payment_requested.v1"]
        assert request["tenant"] == TENANT
        assert request["data"]["amount"] == 34500 and request["data"]["budget_code"] == "22012500"
    finally:
        await consumer.stop()


async def test_payment_succeeded_on_kafka_confirms_the_booking(
    http: httpx.AsyncClient, office_id: str, producer: AIOKafkaProducer
) -> None:
    booking = await book_paid(http, office_id, 1)
    staff = await token(http, {"sub": "s", "name": "S", "roles": ["official"], "tenant": TENANT})
    event = PaymentSucceeded(
        **payment_fields(booking), provider_transaction_id="t-1", receipt_url="/r/1"
    )
    await produce(producer, event, booking["id"])
    confirmed = await wait_for_status(http, booking["id"], staff, "booked")
    assert [h["action"] for h in confirmed["history"]] == ["book", "confirm"]


async def test_payment_failed_on_kafka_releases_the_slot(
    http: httpx.AsyncClient, office_id: str, producer: AIOKafkaProducer
) -> None:
    booking = await book_paid(http, office_id, 2)
    staff = await token(http, {"sub": "s", "name": "S", "roles": ["official"], "tenant": TENANT})
    await produce(
        producer, PaymentFailed(**payment_fields(booking), reason="declined"), booking["id"]
    )
    cancelled = await wait_for_status(http, booking["id"], staff, "cancelled")
    assert cancelled["cancel_reason"] == "payment_failed"
    # The status is stored first and the seats are given back right after it: poll.
    deadline = time.monotonic() + 30
    while True:
        slots = await free_slots(http, office_id)
        if next(s for s in slots if s["start"] == booking["start"])["available"] == 1:
            break
        assert time.monotonic() < deadline, "the slot was never freed"
        await asyncio.sleep(0.3)
