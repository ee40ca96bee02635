"""Kafka subscriptions of the queue service: payments' events drive the paid-booking saga, and
the council registry's events keep the copy of each council's settings (and seed a new
council's catalogue and offices)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from chassis.consumer import IdempotentConsumer
from contracts.envelope import EventEnvelope
from contracts.payments import PaymentCancelled, PaymentExpired, PaymentFailed, PaymentSucceeded
from contracts.platform import TenantRegistered, TenantState, TenantUpdated
from contracts.topics import PAYMENTS_PAYMENT, PLATFORM_TENANT
from services.queue.clock import utc_now
from services.queue.saga import PaymentSaga
from services.queue.seed import seed_tenant
from services.queue.tenant_settings import TenantSettingsReader


class TenantCopy:
    def __init__(self, reader: TenantSettingsReader, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.reader = reader
        self.db = db

    async def on_tenant_changed(self, envelope: EventEnvelope) -> None:
        """A repeated or older event simply rewrites the same copy (an upsert)."""
        state = envelope.payload(TenantState)
        await self.reader.put(
            state.slug,
            {**state.settings, "timezone": state.timezone, "locale": state.locale},
        )

    async def on_tenant_registered(self, envelope: EventEnvelope) -> None:
        await self.on_tenant_changed(envelope)
        slug = envelope.payload(TenantState).slug
        await seed_tenant(self.db, slug, utc_now().date())


def register_subscribers(
    broker: KafkaBroker,
    db: AsyncDatabase[dict[str, Any]],
    reader: TenantSettingsReader,
    saga: PaymentSaga,
    seed_on_register: bool = True,
) -> list[IdempotentConsumer]:
    copy = TenantCopy(reader, db)
    on_registered: Callable[[EventEnvelope], Any] = (
        copy.on_tenant_registered if seed_on_register else copy.on_tenant_changed
    )
    on_tenant_event = IdempotentConsumer(
        "queue",
        PLATFORM_TENANT,
        db,
        broker,
        handlers={
            TenantRegistered.event_type: on_registered,
            TenantUpdated.event_type: copy.on_tenant_changed,
        },
    )
    on_payment_event = IdempotentConsumer(
        "queue",
        PAYMENTS_PAYMENT,
        db,
        broker,
        handlers={
            PaymentSucceeded.event_type: saga.on_payment_succeeded,
            PaymentFailed.event_type: saga.on_payment_ended,
            PaymentExpired.event_type: saga.on_payment_ended,
            PaymentCancelled.event_type: saga.on_payment_ended,
        },
    )
    for consumer in (on_tenant_event, on_payment_event):
        consumer.register()
    return [on_tenant_event, on_payment_event]
