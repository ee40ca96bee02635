"""The registry's snapshot cache: lookups within a few seconds reuse it, later ones reload,
a slug the database does not hold is never served, and an inactive council is read-only."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError

from chassis.problems import Problem
from gateway.tenant_registry import TenantRegistry
from gateway.tenants import DEMO_TENANTS, resolve_tenant


class FakeCursor:
    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        return self.docs


@dataclass
class FakeUpdateResult:
    matched_count: int


def _matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    # As in MongoDB, `{field: None}` also matches a document without the field.
    return all(doc.get(k) == v for k, v in query.items())


def _projected(doc: dict[str, Any], projection: dict[str, Any] | None) -> dict[str, Any]:
    excluded = {k for k, v in (projection or {}).items() if not v}
    return {k: copy.deepcopy(v) for k, v in doc.items() if k not in excluded}


class FakeCollection:
    """Just the calls the registry makes, with MongoDB's meaning: one document per write,
    `_id` unique, updates conditional on their filter."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.finds = 0

    def find(self, query: dict[str, Any], projection: dict[str, Any] | None = None) -> FakeCursor:
        self.finds += 1
        matching = [_projected(d, projection) for d in self.docs.values() if _matches(d, query)]
        return FakeCursor(matching)

    async def find_one(
        self, query: dict[str, Any], projection: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        found = [d for d in self.docs.values() if _matches(d, query)]
        return _projected(found[0], projection) if found else None

    async def insert_one(self, doc: dict[str, Any]) -> None:
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("E11000 duplicate key error: _id")
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> FakeUpdateResult:
        found = [d for d in self.docs.values() if _matches(d, query)]
        if not found:
            return FakeUpdateResult(0)
        doc = found[0]
        doc.update(copy.deepcopy(update.get("$set", {})))
        for key, value in update.get("$push", {}).items():
            doc.setdefault(key, []).append(copy.deepcopy(value))
        for key, step in update.get("$inc", {}).items():
            doc[key] = doc.get(key, 0) + step
        return FakeUpdateResult(1)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def registry(clock: Clock) -> TenantRegistry:
    registry = TenantRegistry(FakeCollection(), cache_ttl_s=5.0, clock=clock)  # type: ignore[arg-type]
    await registry.seed(DEMO_TENANTS)
    return registry


async def test_lookups_within_the_ttl_reuse_one_snapshot(registry: TenantRegistry) -> None:
    for slug in ("chernivtsi", "uzhhorod", "lviv", "kamianske"):
        await registry.find_active(slug)

    assert registry.collection.finds == 1  # type: ignore[attr-defined]


async def test_a_new_council_appears_after_the_ttl(registry: TenantRegistry, clock: Clock) -> None:
    assert await registry.find_active("lviv") is None
    registry.collection.docs["lviv"] = {"_id": "lviv", "name": {"uk": "Львівська"}, "active": True}  # type: ignore[attr-defined]

    clock.now += 5.0

    lviv = await registry.find_active("lviv")
    assert lviv is not None and lviv.slug == "lviv"


async def test_a_deactivated_council_is_read_only_not_gone(
    registry: TenantRegistry, clock: Clock
) -> None:
    assert await registry.find_active("uzhhorod") is not None
    registry.collection.docs["uzhhorod"]["active"] = False  # type: ignore[attr-defined]

    clock.now += 5.0

    assert await registry.find_active("uzhhorod") is None
    assert (await resolve_tenant(registry, "uzhhorod", "GET")).active is False
    with pytest.raises(Problem) as rejected:
        await resolve_tenant(registry, "uzhhorod", "POST")
    assert rejected.value.status == 423


async def test_seeding_twice_keeps_the_first_documents(registry: TenantRegistry) -> None:
    docs = registry.collection.docs  # type: ignore[attr-defined]
    created = {slug: doc["created_at"] for slug, doc in docs.items()}

    await registry.seed(DEMO_TENANTS)

    assert {slug: doc["created_at"] for slug, doc in docs.items()} == created
    # Only the first seeding inserted, so each council was announced once.
    assert [len(doc["outbox"]) for doc in docs.values()] == [1, 1, 1]
    assert docs["kamianske"]["name"] == {
        "uk": "Кам'янська міська рада",
        "en": "Kamianske City Council",
    }


async def test_malformed_slugs_never_reach_the_database(registry: TenantRegistry) -> None:
    for slug in ("platform", "UPPER", "a", "x" * 40, "../etc"):
        with pytest.raises(Problem):
            await resolve_tenant(registry, slug)

    assert registry.collection.finds == 0  # type: ignore[attr-defined]
