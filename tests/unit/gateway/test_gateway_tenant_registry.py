"""The registry's snapshot cache: lookups within a few seconds reuse it, later ones reload,
and a slug the database does not hold (or holds inactive) is never served."""

from __future__ import annotations

from typing import Any

import pytest

from chassis.problems import Problem
from gateway.tenants import DEMO_TENANTS, TenantRegistry, resolve_tenant


class FakeCursor:
    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        return self.docs


class FakeCollection:
    """Just the two calls the registry makes, with MongoDB's meaning."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.finds = 0

    def find(self, query: dict[str, Any]) -> FakeCursor:
        self.finds += 1
        matching = [d for d in self.docs.values() if all(d.get(k) == v for k, v in query.items())]
        return FakeCursor([dict(d) for d in matching])

    async def update_one(self, query: dict[str, Any], update: dict[str, Any], upsert: bool) -> None:
        if query["_id"] not in self.docs and upsert:
            self.docs[query["_id"]] = {"_id": query["_id"], **update["$setOnInsert"]}


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


async def test_a_deactivated_council_is_no_longer_served(
    registry: TenantRegistry, clock: Clock
) -> None:
    assert await registry.find_active("uzhhorod") is not None
    registry.collection.docs["uzhhorod"]["active"] = False  # type: ignore[attr-defined]

    clock.now += 5.0

    with pytest.raises(Problem) as rejected:
        await resolve_tenant(registry, "uzhhorod")
    assert rejected.value.status == 404


async def test_seeding_twice_keeps_the_first_documents(registry: TenantRegistry) -> None:
    docs = registry.collection.docs  # type: ignore[attr-defined]
    created = {slug: doc["created_at"] for slug, doc in docs.items()}

    await registry.seed(DEMO_TENANTS)

    assert {slug: doc["created_at"] for slug, doc in docs.items()} == created
    assert docs["kamianske"]["name"] == {
        "uk": "Кам'янська міська рада",
        "en": "Kamianske City Council",
    }


async def test_malformed_slugs_never_reach_the_database(registry: TenantRegistry) -> None:
    for slug in ("platform", "UPPER", "a", "x" * 40, "../etc"):
        with pytest.raises(Problem):
            await resolve_tenant(registry, slug)

    assert registry.collection.finds == 0  # type: ignore[attr-defined]
