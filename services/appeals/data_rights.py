"""Citizen data rights in the e-Reception (Law 2297-VI "On Personal Data Protection", Art. 8).

Export: every appeal the caller filed in this council, whole, plus the Idempotency-Key records
kept for their requests. Erase: appeals are NOT erased — Law 393/96-ВР "On Citizens' Appeals"
and the archival rules require the council to keep the record of an appeal and its answer
(5 years) — so they stay, and the export says so for each one; what no law requires us to keep
(the Idempotency-Key records, which hold a copy of each answer) is deleted.

The appeal documents are read generically (every stored field except the outbox plumbing), so
fields added to appeals later are exported without touching this file.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from litestar import Controller, delete, get
from pymongo.asynchronous.database import AsyncDatabase

from chassis.auth import Principal

APPEAL_RETENTION_YEARS = 5
RETENTION_REASON = {
    "uk": (
        "Звернення та відповіді на них зберігаються відповідно до Закону України "
        "«Про звернення громадян» (393/96-ВР) та правил архівного зберігання "
        f"({APPEAL_RETENTION_YEARS} років); видалити їх на вимогу не можна."
    ),
    "en": (
        "Appeals and their answers are kept under the Law of Ukraine 'On Citizens' Appeals' "
        f"(393/96-VR) and the archival rules ({APPEAL_RETENTION_YEARS} years); they cannot be "
        "erased on request."
    ),
}
# Outbox plumbing (copies of events already published) and the officials' internal audit trail
# (who on the staff did what): not data about the citizen as such.
_INTERNAL_FIELDS = frozenset({"outbox", "outbox_pending", "version", "audit"})


def retained_until(received_at: datetime) -> datetime:
    """The end of the statutory retention of an appeal received at `received_at`."""
    year = received_at.year + APPEAL_RETENTION_YEARS
    try:
        return received_at.replace(year=year)
    except ValueError:  # received on 29 February; the period ends on 28 February
        return received_at.replace(year=year, day=28)


def plain(value: Any) -> Any:
    """A stored value as plain JSON-able data (odd BSON types become strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool | datetime | date):
        return value
    return str(value)


def appeal_export(doc: dict[str, Any]) -> dict[str, Any]:
    """One stored appeal as the citizen receives it in an export, with its retention."""
    view = {k: plain(v) for k, v in doc.items() if k not in _INTERNAL_FIELDS and k != "_id"}
    view = {"id": str(doc["_id"]), **view}
    received = doc.get("received_at")
    view["retained_until"] = retained_until(received) if isinstance(received, datetime) else None
    return view


def idempotency_prefix(tenant: str, sub: str) -> str:
    """`chassis.idempotency` keys its records `{tenant}:{caller}:{key}`."""
    return f"{tenant}:{sub}:"


class AppealDataRights:
    """Queries on the appeals database for one citizen of one council."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.appeals = db["appeals"]
        self.idempotency_keys = db["idempotency_keys"]

    async def appeals_of(self, tenant: str, sub: str) -> list[dict[str, Any]]:
        cursor = self.appeals.find(
            {"tenant": tenant, "citizen_sub": sub}, sort=[("received_at", 1)]
        )
        return [appeal_export(doc) async for doc in cursor]

    def _keys_query(self, tenant: str, sub: str) -> dict[str, Any]:
        prefix = re.escape(idempotency_prefix(tenant, sub))
        return {"tenant": tenant, "_id": {"$regex": f"^{prefix}"}}

    async def idempotency_keys_of(self, tenant: str, sub: str) -> list[dict[str, Any]]:
        prefix_length = len(idempotency_prefix(tenant, sub))
        cursor = self.idempotency_keys.find(self._keys_query(tenant, sub), {"body": 0})
        return [
            {
                "key": str(doc["_id"])[prefix_length:],
                "state": doc.get("state"),
                "created_at": doc.get("created_at"),
            }
            async for doc in cursor
        ]

    async def erase_idempotency_keys(self, tenant: str, sub: str) -> int:
        result = await self.idempotency_keys.delete_many(self._keys_query(tenant, sub))
        return int(result.deleted_count)


def retention_note(count: int) -> dict[str, Any]:
    return {
        "what": "appeals",
        "count": count,
        "fields": "every field of each appeal you filed (name, address, email, text, answer)",
        "retained_years": APPEAL_RETENTION_YEARS,
        "reason": RETENTION_REASON,
    }


class AppealDataRightsController(Controller):
    """`/me`: what the e-Reception holds about the caller, and erasure of what may be erased."""

    path = "/api/v1/{tenant:str}/appeals/me"
    tags = ["data rights"]

    @get("/export", operation_id="export_my_appeals_data")
    async def export_my_data(
        self, tenant: str, principal: Principal, appeals_db: AsyncDatabase[dict[str, Any]]
    ) -> dict[str, Any]:
        """Everything appeals hold about the caller in this council (Law 2297-VI Art. 8)."""
        rights = AppealDataRights(appeals_db)
        appeals = await rights.appeals_of(tenant, principal.sub)
        return {
            "service": "appeals",
            "tenant": tenant,
            "subject": principal.sub,
            "data": {
                "appeals": appeals,
                "idempotency_keys": await rights.idempotency_keys_of(tenant, principal.sub),
            },
            "retained": [retention_note(len(appeals))] if appeals else [],
        }

    @delete("/", operation_id="erase_my_appeals_data", status_code=200)
    async def erase_my_data(
        self, tenant: str, principal: Principal, appeals_db: AsyncDatabase[dict[str, Any]]
    ) -> dict[str, Any]:
        """Erase what no law requires us to keep; say what stays and why."""
        rights = AppealDataRights(appeals_db)
        erased = await rights.erase_idempotency_keys(tenant, principal.sub)
        kept = await appeals_db["appeals"].count_documents(
            {"tenant": tenant, "citizen_sub": principal.sub}
        )
        return {
            "service": "appeals",
            "tenant": tenant,
            "erased": {"idempotency_keys": erased},
            "retained": [retention_note(kept)] if kept else [],
        }
