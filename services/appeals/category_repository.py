"""The council's category catalogue (collection `categories`), also read by Open311."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from chassis.mongo import TenantRepository
from services.appeals.domain.category import Category


class CategoryExists(Exception):
    """The tenant already has a category with this code."""


class CategoryRepository(TenantRepository):
    collection_name = "categories"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("code", ASCENDING)], unique=True
        )

    async def add(self, category: Category) -> None:
        try:
            await self.collection.insert_one(asdict(category))
        except DuplicateKeyError as exc:
            raise CategoryExists(category.code) from exc

    async def get(self, tenant: str, code: str) -> Category | None:
        doc = await self.collection.find_one(self.scoped(tenant, {"code": code}))
        return _to_category(doc) if doc else None

    async def list(self, tenant: str, active_only: bool = True) -> list[Category]:
        query = self.scoped(tenant, {"active": True} if active_only else {})
        cursor = self.collection.find(query, sort=[("code", ASCENDING)], limit=1000)
        return [_to_category(doc) async for doc in cursor]

    async def update(self, tenant: str, code: str, changes: dict[str, Any]) -> Category | None:
        await self.collection.update_one(self.scoped(tenant, {"code": code}), {"$set": changes})
        return await self.get(tenant, code)


def _to_category(doc: dict[str, Any]) -> Category:
    return Category(
        tenant=doc["tenant"],
        code=doc["code"],
        name=dict(doc.get("name") or {}),
        description=doc.get("description") or "",
        active=bool(doc.get("active", True)),
    )
