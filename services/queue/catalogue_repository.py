"""The council's catalogue of services and its offices, one document each with a deterministic
`_id` (`{tenant}:{code}`), so seeding is an idempotent upsert and reads go by `_id`."""

from __future__ import annotations

from typing import Any

import msgspec
from pymongo.asynchronous.database import AsyncDatabase

from services.queue.cache import TtlCache
from services.queue.domain.catalogue import AdminService
from services.queue.domain.office import Office


def doc_id(tenant: str, code: str) -> str:
    return f"{tenant}:{code}"


class CatalogueRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], ttl_s: float = 5.0) -> None:
        self.services = db["services"]
        self.offices = db["offices"]
        self._service_cache = TtlCache[AdminService | None](ttl_s)
        self._office_cache = TtlCache[Office | None](ttl_s)

    async def put_service(self, tenant: str, service: AdminService) -> None:
        body = msgspec.to_builtins(service)
        await self.services.update_one(
            {"_id": doc_id(tenant, service.code)}, {"$set": {**body, "tenant": tenant}}, upsert=True
        )
        self._service_cache.forget(doc_id(tenant, service.code))

    async def put_office(self, tenant: str, office: Office) -> None:
        body = msgspec.to_builtins(office)
        await self.offices.update_one(
            {"_id": doc_id(tenant, office.id)}, {"$set": {**body, "tenant": tenant}}, upsert=True
        )
        self._office_cache.forget(doc_id(tenant, office.id))

    async def service(self, tenant: str, code: str) -> AdminService | None:
        key = doc_id(tenant, code)
        found = self._service_cache.get(key)
        if found is None:
            doc = await self.services.find_one({"_id": key}, {"_id": 0, "tenant": 0})
            found = msgspec.convert(doc, AdminService) if doc else None
            self._service_cache.put(key, found)
        return found

    async def office(self, tenant: str, office_id: str) -> Office | None:
        key = doc_id(tenant, office_id)
        found = self._office_cache.get(key)
        if found is None:
            doc = await self.offices.find_one({"_id": key}, {"_id": 0, "tenant": 0})
            found = msgspec.convert(doc, Office) if doc else None
            self._office_cache.put(key, found)
        return found

    async def list_services(self, tenant: str) -> list[AdminService]:
        docs = await self.services.find({"tenant": tenant}, {"_id": 0, "tenant": 0}).to_list(None)
        return sorted((msgspec.convert(d, AdminService) for d in docs), key=lambda s: s.code)

    async def list_offices(self, tenant: str) -> list[Office]:
        docs = await self.offices.find({"tenant": tenant}, {"_id": 0, "tenant": 0}).to_list(None)
        return sorted((msgspec.convert(d, Office) for d in docs), key=lambda o: o.id)

    async def ensure_indexes(self) -> None:
        await self.services.create_index([("tenant", 1), ("code", 1)], unique=True)
        await self.offices.create_index([("tenant", 1), ("id", 1)], unique=True)
