"""The in-app inbox: a channel whose "provider" is our own database. A citizen reads their
notices here; a council's staff read theirs (the statutory clock's warnings) with `?box=staff`.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from litestar import Controller, get, post
from litestar.params import Parameter
from pymongo import DESCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from chassis.auth import Principal
from chassis.guards import require_staff_of
from chassis.mongo import TenantRepository
from chassis.problems import Problem, invalid
from services.notify.triggers import staff_inbox


class InboxRepository(TenantRepository):
    collection_name = "inbox"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", 1), ("sub", 1), ("created_at", DESCENDING), ("_id", DESCENDING)]
        )

    async def put(self, item_id: str, item: dict[str, Any]) -> None:
        """Idempotent by id: the same delivery never makes two inbox items."""
        try:
            await self.collection.insert_one({**item, "_id": item_id, "read_at": None})
        except DuplicateKeyError:
            return

    async def put_many(self, items: dict[str, dict[str, Any]]) -> None:
        docs = [{**item, "_id": item_id, "read_at": None} for item_id, item in items.items()]
        try:
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                raise  # only "already there" is expected

    async def page(
        self, tenant: str, sub: str, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"tenant": tenant, "sub": sub}
        if before is not None:
            at, last_id = before
            query["$or"] = [
                {"created_at": {"$lt": at}},
                {"created_at": at, "_id": {"$lt": last_id}},
            ]
        cursor = self.collection.find(
            query, sort=[("created_at", DESCENDING), ("_id", DESCENDING)], limit=limit
        )
        return [doc async for doc in cursor]

    async def mark_read(self, tenant: str, sub: str, item_id: str) -> bool:
        item = await self.collection.find_one({"_id": item_id}, {"tenant": 1, "sub": 1})
        if item is None or item.get("tenant") != tenant or item.get("sub") != sub:
            return False
        await self.collection.update_one(
            {"_id": item_id, "read_at": None}, {"$set": {"read_at": datetime.now(UTC)}}
        )
        return True


def _cursor(doc: dict[str, Any]) -> str:
    raw = json.dumps([doc["created_at"].isoformat(), doc["_id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str) -> tuple[datetime, str]:
    try:
        at, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), str(last_id)
    except (ValueError, TypeError) as exc:
        raise invalid("cursor", "is not a cursor this list gave out") from exc


def _owner(principal: Principal, tenant: str, box: str) -> str:
    if box == "staff":
        require_staff_of(principal, tenant)
        return staff_inbox(tenant)
    return principal.sub


def _view(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "subject": doc.get("subject"),
        "text": doc.get("text"),
        "event_type": doc.get("event_type"),
        "subject_ref": doc.get("subject_ref", {}),
        "created_at": doc["created_at"],
        "read": doc.get("read_at") is not None,
    }


class InboxController(Controller):
    path = "/api/v1/{tenant:str}/notify/inbox"
    tags = ["notify"]

    @get("/", operation_id="list_my_inbox")
    async def list_inbox(
        self,
        tenant: str,
        principal: Principal,
        inbox_repository: InboxRepository,
        box: Literal["mine", "staff"] = "mine",
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        owner = _owner(principal, tenant, box)
        docs = await inbox_repository.page(
            tenant, owner, limit + 1, _after(cursor) if cursor else None
        )
        more = len(docs) > limit
        docs = docs[:limit]
        return {
            "items": [_view(d) for d in docs],
            "next_cursor": _cursor(docs[-1]) if more and docs else None,
        }

    @post("/{item_id:str}/read", operation_id="mark_inbox_item_read", status_code=204)
    async def mark_read(
        self,
        tenant: str,
        item_id: str,
        principal: Principal,
        inbox_repository: InboxRepository,
        box: Literal["mine", "staff"] = "mine",
    ) -> None:
        if not await inbox_repository.mark_read(tenant, _owner(principal, tenant, box), item_id):
            raise Problem(404, "Такого повідомлення немає / There is no such inbox item.")
