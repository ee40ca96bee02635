"""Citizen data rights in notify (Law 2297-VI "On Personal Data Protection", Art. 8).

Export: every notice we sent or tried to send the caller, with the address and the message,
their preferences and their inbox.
Erase: no law asks us to keep notices, so each of the caller's deliveries is anonymised — the
recipient address, the message, the link to the citizen and to the appeal are removed. The bare
record (id, channel, template, status, dates) stays, because its id is what stops a redelivered
event from emailing the citizen a second time; it no longer says who it was for. Preferences
(with the contacts notify learned) and inbox items are deleted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, delete, get
from pymongo.asynchronous.collection import AsyncCollection

from chassis.auth import Principal
from services.notify.inbox import InboxRepository
from services.notify.preferences import PreferenceRepository
from services.notify.repository import DeliveryRepository

PERSONAL_FIELDS = ("citizen_sub", "recipient", "message", "subject_ref", "error")
# A notice not yet sent must not be sent after its recipient asked to be forgotten.
UNSENT_STATUSES = ("sending", "retrying")


async def deliveries_of(
    collection: AsyncCollection[dict[str, Any]], tenant: str, sub: str
) -> list[dict[str, Any]]:
    cursor = collection.find({"tenant": tenant, "citizen_sub": sub}, sort=[("created_at", 1)])
    return [{"id": doc.pop("_id"), **doc} async for doc in cursor]


async def anonymise_deliveries(
    collection: AsyncCollection[dict[str, Any]], tenant: str, sub: str, now: datetime
) -> int:
    mine = {"tenant": tenant, "citizen_sub": sub}
    # Cancel first: the retry worker only picks `sending`/`retrying`, so none is sent half-erased.
    await collection.update_many(
        {**mine, "status": {"$in": list(UNSENT_STATUSES)}},
        {"$set": {"status": "cancelled", "next_attempt_at": None}},
    )
    result = await collection.update_many(
        mine,
        {"$unset": dict.fromkeys(PERSONAL_FIELDS, ""), "$set": {"erased_at": now}},
    )
    return int(result.modified_count)


class NotifyDataRightsController(Controller):
    """`/me`: what notify holds about the caller, and its erasure."""

    path = "/api/v1/{tenant:str}/notify/me"
    tags = ["data rights"]

    @get("/export", operation_id="export_my_notify_data")
    async def export_my_data(
        self,
        tenant: str,
        principal: Principal,
        deliveries: DeliveryRepository,
        preferences: PreferenceRepository,
        inbox_repository: InboxRepository,
    ) -> dict[str, Any]:
        """Every notice for the caller in this council: address, message, status, dates."""
        return {
            "service": "notify",
            "tenant": tenant,
            "subject": principal.sub,
            "data": {
                "deliveries": await deliveries_of(deliveries.collection, tenant, principal.sub),
                "preferences": await preferences.get(tenant, principal.sub),
                "inbox": [
                    doc
                    async for doc in inbox_repository.collection.find(
                        {"tenant": tenant, "sub": principal.sub}
                    )
                ],
            },
            "retained": [],
        }

    @delete("/", operation_id="erase_my_notify_data", status_code=200)
    async def erase_my_data(
        self,
        tenant: str,
        principal: Principal,
        deliveries: DeliveryRepository,
        preferences: PreferenceRepository,
        inbox_repository: InboxRepository,
    ) -> dict[str, Any]:
        """Anonymise every delivery of the caller; nothing personal is retained."""
        count = await anonymise_deliveries(
            deliveries.collection, tenant, principal.sub, datetime.now(UTC)
        )
        await preferences.collection.delete_one({"_id": preferences.key(tenant, principal.sub)})
        removed = await inbox_repository.collection.delete_many(
            {"tenant": tenant, "sub": principal.sub}
        )
        return {
            "service": "notify",
            "tenant": tenant,
            "erased": {
                "deliveries_anonymised": count,
                "inbox_items_deleted": removed.deleted_count,
                "preferences_deleted": True,
            },
            "retained": [],
        }
