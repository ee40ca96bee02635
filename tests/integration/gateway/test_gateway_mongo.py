"""The tenant registry on a real MongoDB-wire server (FerretDB in the local stack): seeding is
idempotent, and the wired gateway serves known councils and 404s unknown ones."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.tenant_registry import TENANTS_COLLECTION, TenantRegistry
from gateway.tenant_settings import TenantSettings
from gateway.tenants import DEMO_TENANTS, resolve_tenant

pytestmark = pytest.mark.integration

MONGO_URL = os.environ.get("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")


@pytest.fixture
async def client() -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        MONGO_URL, serverSelectionTimeoutMS=3000, tz_aware=True
    )
    try:
        await mongo.admin.command("ping")
    except PyMongoError:
        await mongo.close()
        if os.environ.get("HROMADA_STACK_REQUIRED") == "1":
            raise
        pytest.skip(f"no MongoDB-wire server at {MONGO_URL}: start it with `make up`")
    yield mongo
    await mongo.close()


@pytest.fixture
async def db(client: AsyncMongoClient[dict[str, Any]]) -> AsyncIterator[AsyncDatabase[Any]]:
    name = f"test_gateway_{uuid.uuid4().hex[:8]}"
    yield client[name]
    await client.drop_database(name)


async def test_seeding_twice_leaves_one_untouched_document_per_tenant(
    db: AsyncDatabase[Any],
) -> None:
    registry = TenantRegistry(db[TENANTS_COLLECTION], cache_ttl_s=0)
    await registry.seed(DEMO_TENANTS)
    first = {d["_id"]: d for d in await db[TENANTS_COLLECTION].find().to_list(None)}
    # An admin's later edit must survive the next start-up's seeding.
    await db[TENANTS_COLLECTION].update_one({"_id": "uzhhorod"}, {"$set": {"settings.x": 1}})

    await registry.seed(DEMO_TENANTS)

    second = {d["_id"]: d for d in await db[TENANTS_COLLECTION].find().to_list(None)}
    assert sorted(second) == ["chernivtsi", "kamianske", "uzhhorod"]
    assert second["uzhhorod"]["settings"]["x"] == 1
    assert {k: d["created_at"] for k, d in second.items()} == {
        k: d["created_at"] for k, d in first.items()
    }
    chernivtsi = second["chernivtsi"]
    assert {k: v for k, v in chernivtsi.items() if k not in ("created_at", "updated_at")} == {
        "_id": "chernivtsi",
        "tenant": "chernivtsi",
        "slug": "chernivtsi",
        "name": {"uk": "Чернівецька міська рада", "en": "Chernivtsi City Council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "active": True,
        "settings": TenantSettings().as_document(),  # every default, written out
        "version": 1,
        "outbox": chernivtsi["outbox"],
        "outbox_pending": True,
    }
    # Seeded once, announced once: the second seeding inserted nothing and emitted nothing.
    assert [r["envelope"]["type"] for r in chernivtsi["outbox"]] == [
        "platform.tenant.registered.v1"
    ]
    # A stored key this gateway does not know never takes the council down.
    assert (await registry.find("uzhhorod")) is not None


async def test_only_active_known_tenants_resolve(db: AsyncDatabase[Any]) -> None:
    registry = TenantRegistry(db[TENANTS_COLLECTION], cache_ttl_s=0)
    await registry.seed(DEMO_TENANTS)
    await db[TENANTS_COLLECTION].update_one({"_id": "kamianske"}, {"$set": {"active": False}})

    assert (await resolve_tenant(registry, "chernivtsi")).name["en"] == "Chernivtsi City Council"
    assert await registry.find_active("kamianske") is None
    assert (await registry.find("kamianske")) is not None  # inactive is read-only, not gone
    assert await registry.find_active("lviv") is None
    assert [t.slug for t in await registry.list_active()] == ["chernivtsi", "uzhhorod"]


async def echo_service(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": scope["raw_path"]})


async def test_the_gateway_serves_seeded_tenants_and_404s_unknown_ones(
    db: AsyncDatabase[Any], tmp_path: Path
) -> None:
    settings = GatewaySettings(
        env="test",
        mongo_url=MONGO_URL,
        mongo_db=db.name,
        dev_key_file=tmp_path / "key.json",
        otlp_endpoint=None,
    )
    app = create_app(settings, upstream_transport=httpx.ASGITransport(echo_service))

    async with AsyncTestClient(app) as gateway:
        async with asyncio.timeout(20):
            while (await gateway.get("/health/ready")).status_code != 200:
                await asyncio.sleep(0.1)  # seeding runs in the background after start-up

        known = await gateway.get("/api/v1/chernivtsi/appeals/items?x=1")
        unknown = await gateway.get("/api/v1/lviv/appeals/items")
        listed = await gateway.get("/api/v1/platform/tenants")

    assert (known.status_code, known.text) == (200, "/api/v1/chernivtsi/appeals/items")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert [t["slug"] for t in listed.json()["items"]] == ["chernivtsi", "kamianske", "uzhhorod"]
