"""Deliveries on a real MongoDB-wire server: a notice is claimed once, an unfinished one stays
queued for the retry worker, and a sent one leaves the queue."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from chassis.settings import ServiceSettings
from services.notify.repository import STALE_SENDING, DeliveryRepository

pytestmark = pytest.mark.integration
MESSAGE = {"to": "o@example.ua", "subject": "S", "text": "T", "message_id": "<m@x>"}


@pytest.fixture
async def deliveries() -> AsyncIterator[DeliveryRepository]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(ServiceSettings().mongo_url)
    name = f"test_notify_{uuid.uuid4().hex[:8]}"
    repository = DeliveryRepository(client[name])
    await repository.ensure_indexes()
    yield repository
    await client.drop_database(name)
    await client.close()


def record() -> dict[str, Any]:
    return {"tenant": "uzhhorod", "channel": "email", "citizen_sub": "c1", "message": MESSAGE}


async def test_claim_once_then_sent_leaves_the_queue(deliveries: DeliveryRepository) -> None:
    assert await deliveries.claim("e1:email", record()) is True
    assert await deliveries.queue.count_documents({}) == 1
    await deliveries.mark_sent("e1:email")
    assert await deliveries.claim("e1:email", record()) is False  # a redelivered event
    assert await deliveries.queue.count_documents({}) == 0
    assert (await deliveries.collection.find_one({"_id": "e1:email"}))["status"] == "sent"


async def test_failed_send_is_retried_when_due_and_only_then(
    deliveries: DeliveryRepository,
) -> None:
    now = datetime.now(UTC)
    await deliveries.claim("e2:email", record())
    await deliveries.schedule_retry(
        "e2:email", "ConnectionRefusedError", now + timedelta(seconds=30)
    )
    assert await deliveries.claim_due_retry(now) is None
    due = await deliveries.claim_due_retry(now + timedelta(seconds=31))
    assert due is not None and due["_id"] == "e2:email"
    assert due["status"] == "sending" and due["attempts"] == 2 and due["message"] == MESSAGE
    # Claimed: another worker polling at the same moment does not get it too.
    assert await deliveries.claim_due_retry(now + timedelta(seconds=31)) is None


async def test_a_sender_that_crashed_mid_send_is_picked_up_later(
    deliveries: DeliveryRepository,
) -> None:
    now = datetime.now(UTC)
    await deliveries.claim("e3:email", record())  # ...and the process died here
    assert await deliveries.claim_due_retry(now) is None
    later = now + STALE_SENDING + timedelta(seconds=1)
    assert (await deliveries.claim_due_retry(later))["_id"] == "e3:email"


async def test_given_up_notice_leaves_the_queue(deliveries: DeliveryRepository) -> None:
    await deliveries.claim("e4:email", record())
    await deliveries.schedule_retry("e4:email", "gave up", None)
    assert await deliveries.queue.count_documents({}) == 0
    assert (await deliveries.collection.find_one({"_id": "e4:email"}))["status"] == "failed"
