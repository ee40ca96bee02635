"""Citizen data rights in the e-queue (Law 2297-VI "On Personal Data Protection", Art. 8).

Export: every booking the caller made in this council (without internal plumbing) and their
Idempotency-Key records. Erase: finished bookings (cancelled, served, no-show) lose the name
and email and keep only an anonymous stand-in for the subject, so the council's figures stay
right; bookings still ahead are kept as they are (the visit needs them: cancel it first); the
Idempotency-Key records are deleted. Hall tickets of erased bookings lose the name too.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from litestar import Controller, delete, get
from pymongo.asynchronous.database import AsyncDatabase

from chassis.auth import Principal
from services.queue.booking_repository import BookingChange, BookingRepository

ACTIVE = frozenset({"awaiting_payment", "booked", "checked_in"})
_INTERNAL = frozenset({"outbox", "version", "seats", "month_seat", "tenant"})
KEPT_REASON = {
    "uk": "Запис на майбутній візит потрібен для прийому; скасуйте його, щоб видалити дані.",
    "en": "A booking for a visit still ahead is needed to receive you; cancel it to erase it.",
}


def booking_export(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc["_id"], **{k: v for k, v in doc.items() if k not in _INTERNAL | {"_id"}}}


def erased_subject(sub: str) -> str:
    """A stand-in that no longer names the person (not reversible without the sub)."""
    return "erased-" + hashlib.sha256(sub.encode()).hexdigest()[:16]


def _keys_query(tenant: str, sub: str) -> dict[str, Any]:
    return {"tenant": tenant, "_id": {"$regex": f"^{re.escape(f'{tenant}:{sub}:')}"}}


def _erase_rule(doc: dict[str, Any], now: datetime) -> BookingChange | None:
    if doc["status"] in ACTIVE:
        return None
    stand_in = {"sub": erased_subject(doc["citizen"]["sub"]), "name": None, "email": None}
    return BookingChange("erase", {"citizen": stand_in}, by="data_subject")


class QueueDataRightsController(Controller):
    path = "/api/v1/{tenant:str}/queue/me"
    tags = ["data rights"]

    @get("/export", operation_id="export_my_queue_data")
    async def export_my_data(
        self, tenant: str, principal: Principal, queue_db: AsyncDatabase[dict[str, Any]]
    ) -> dict[str, Any]:
        """Everything the e-queue holds about the caller in this council."""
        bookings = (
            await queue_db["bookings"]
            .find({"tenant": tenant, "citizen.sub": principal.sub})
            .to_list(None)
        )
        keys = (
            await queue_db["idempotency_keys"]
            .find(_keys_query(tenant, principal.sub), {"body": 0, "fingerprint": 0})
            .to_list(None)
        )
        return {
            "service": "queue",
            "tenant": tenant,
            "subject": principal.sub,
            "data": {
                "bookings": [booking_export(b) for b in bookings],
                "idempotency_keys": [
                    {"state": k.get("state"), "created_at": k.get("created_at")} for k in keys
                ],
            },
            "retained": [],
        }

    @delete("/", operation_id="erase_my_queue_data", status_code=200)
    async def erase_my_data(
        self,
        tenant: str,
        principal: Principal,
        queue_db: AsyncDatabase[dict[str, Any]],
        booking_repository: BookingRepository,
    ) -> dict[str, Any]:
        """Anonymise finished bookings, delete Idempotency-Key records; say what stays."""
        found = (
            await queue_db["bookings"]
            .find({"tenant": tenant, "citizen.sub": principal.sub}, {"_id": 1, "status": 1})
            .to_list(None)
        )
        erased = kept = 0
        for doc in found:
            after = await booking_repository.change(tenant, doc["_id"], _erase_rule)
            if after["citizen"]["sub"] == principal.sub:
                kept += 1
                continue
            erased += 1
            if after.get("month_seat"):  # its id names the subject
                await queue_db["month_seats"].delete_one({"_id": after["month_seat"]})
            if after.get("ticket"):
                await queue_db["tickets"].update_many(
                    {"tenant": tenant, "booking_id": doc["_id"]}, {"$set": {"citizen": None}}
                )
        keys = await queue_db["idempotency_keys"].delete_many(_keys_query(tenant, principal.sub))
        retained = (
            [{"what": "bookings still ahead", "count": kept, "reason": KEPT_REASON}] if kept else []
        )
        return {
            "service": "queue",
            "tenant": tenant,
            "erased": {"bookings_anonymised": erased, "idempotency_keys": keys.deleted_count},
            "retained": retained,
        }
