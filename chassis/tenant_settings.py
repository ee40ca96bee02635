"""A service's own copy of each council's settings (zone, holidays, limits, ...).

The gateway's tenant registry owns them; each service keeps a copy in its own database
(collection `tenant_settings`, one document per council: `{_id: tenant, tenant, settings}`),
refreshed from the registry's tenant events by `subscribe_to_tenant_settings`. A council
without a copy uses the defaults, so a missing document is never an error.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from chassis.consumer import IdempotentConsumer
from chassis.mongo import TenantRepository
from contracts.envelope import EventEnvelope
from contracts.platform import TenantRegistered, TenantState, TenantUpdated
from contracts.topics import PLATFORM_TENANT


class TenantSettingsReader(TenantRepository):
    collection_name = "tenant_settings"

    async def settings_of(self, tenant: str) -> dict[str, Any]:
        doc = await self.find_owned(tenant, tenant)
        settings = (doc or {}).get("settings")
        return dict(settings) if isinstance(settings, dict) else {}

    async def put(self, tenant: str, settings: dict[str, Any]) -> None:
        """Replace a council's copy (used by the tenant-event subscriber and by tests)."""
        await self.collection.update_one(
            {"_id": tenant}, {"$set": {"tenant": tenant, "settings": settings}}, upsert=True
        )


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


def subscribe_to_tenant_settings(
    service: str,
    broker: KafkaBroker,
    db: AsyncDatabase[dict[str, Any]],
    reader: TenantSettingsReader,
) -> IdempotentConsumer:
    copy = TenantSettingsCopy(reader)
    consumer = IdempotentConsumer(
        service,
        PLATFORM_TENANT,
        db,
        broker,
        handlers={
            TenantRegistered.event_type: copy.on_tenant_changed,
            TenantUpdated.event_type: copy.on_tenant_changed,
        },
    )
    consumer.register()
    return consumer
