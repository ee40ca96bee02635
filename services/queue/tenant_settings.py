"""A council's settings as the queue service sees them (zone, holidays, queue limits).

The gateway's tenant registry owns them; the queue service keeps its own copy in its own
database (collection `tenant_settings`, one document per tenant: `{_id: tenant, tenant,
settings: {...}}`), refreshed from the registry's tenant events. A council without a copy uses
the defaults, so a missing document is never an error.
"""

from __future__ import annotations

from typing import Any

from chassis.mongo import TenantRepository


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
