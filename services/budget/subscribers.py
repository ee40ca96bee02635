"""Kafka subscriptions of the budget service: the council registry's events keep the service's
own copy of each council's settings (the default voter age and votes per voter of a cycle)."""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from chassis.consumer import IdempotentConsumer
from contracts.envelope import EventEnvelope
from contracts.platform import TenantRegistered, TenantState, TenantUpdated
from contracts.topics import PLATFORM_TENANT
from services.budget.tenant_settings import TenantSettingsReader


class TenantSettingsCopy:
    def __init__(self, reader: TenantSettingsReader) -> None:
        self.reader = reader

    async def on_tenant_changed(self, envelope: EventEnvelope) -> None:
        """A repeated or older `registered` simply rewrites the same copy (an upsert)."""
        state = envelope.payload(TenantState)
        await self.reader.put(
            state.slug,
            {**state.settings, "timezone": state.timezone, "locale": state.locale},
        )


def register_subscribers(
    broker: KafkaBroker, db: AsyncDatabase[dict[str, Any]], reader: TenantSettingsReader
) -> list[IdempotentConsumer]:
    copy = TenantSettingsCopy(reader)
    on_tenant_event = IdempotentConsumer(
        "budget",
        PLATFORM_TENANT,
        db,
        broker,
        handlers={
            TenantRegistered.event_type: copy.on_tenant_changed,
            TenantUpdated.event_type: copy.on_tenant_changed,
        },
    )
    on_tenant_event.register()
    return [on_tenant_event]
