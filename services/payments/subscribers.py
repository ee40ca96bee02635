"""Kafka subscriptions of payments: the paid-booking saga's requests from queue."""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from chassis.consumer import IdempotentConsumer
from contracts.queue import BookingPaymentCancelled, BookingPaymentRequested
from contracts.topics import QUEUE_BOOKING
from services.payments.saga import BookingSaga


def register_subscribers(
    broker: KafkaBroker, db: AsyncDatabase[dict[str, Any]], saga: BookingSaga
) -> IdempotentConsumer:
    on_booking_event = IdempotentConsumer(
        "payments",
        QUEUE_BOOKING,
        db,
        broker,
        handlers={
            BookingPaymentRequested.event_type: saga.on_payment_requested,
            BookingPaymentCancelled.event_type: saga.on_payment_cancelled,
        },
    )
    on_booking_event.register()
    return on_booking_event
