"""The read cache of petitions: repeated GETs within the TTL cost no database read, this
process's writes are seen by the very next read, one council's entry never answers another,
and the access rule (unpublished -> author and staff only) is still decided per request."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.problems import Problem
from chassis.write_guard import DocumentLocks
from services.petitions.domain.model import COLLECTING, MODERATION, Petition
from services.petitions.read_cache import ReadCache
from services.petitions.repository import PetitionRepository
from services.petitions.use_cases import PetitionUseCases

T0 = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeCollection:
    """`find_one` by `_id` and `update_one` of `$set`, counting the reads."""

    name = "petitions"

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.reads = 0
        self.read_gate: asyncio.Event | None = None  # holds a read mid-way when set

    async def find_one(self, query: dict[str, Any], projection: Any = None) -> Any:
        self.reads += 1
        found = self.docs.get(query["_id"])
        snapshot = dict(found) if found is not None else None
        if self.read_gate is not None:
            await self.read_gate.wait()
        return snapshot

    def find(self, query: dict[str, Any], projection: Any = None) -> FakeCursor:
        self.reads += 1
        docs = [dict(d) for d in self.docs.values() if d["tenant"] == query["tenant"]]
        return FakeCursor(docs)

    async def insert_one(self, doc: dict[str, Any]) -> None:
        self.docs[doc["_id"]] = doc

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> Any:
        doc = self.docs[query["_id"]]
        matched = all(doc.get(k) == v for k, v in query.items() if not isinstance(v, dict))
        if matched:
            doc.update(update["$set"])

        class Result:
            matched_count = int(matched)

        return Result()


class FakeCursor:
    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs

    def sort(self, _: Any) -> FakeCursor:
        return self

    def limit(self, _: int) -> FakeCursor:
        return self

    async def to_list(self, _: int) -> list[dict[str, Any]]:
        return self.docs


def petition_doc(petition_id: str, tenant: str, status: str = COLLECTING) -> dict[str, Any]:
    return {
        "_id": petition_id,
        "tenant": tenant,
        "title": "Ліхтарі",
        "text": "Встановити ліхтарі.",
        "author_sub": "author",
        "author_name": "Авторка",
        "author_email": None,
        "locale": "uk",
        "status": status,
        "created_at": T0,
        "moderation_due_at": T0,
        "signature_count": 3,
    }


def repository(clock: Clock | None = None) -> tuple[PetitionRepository, FakeCollection]:
    collection = FakeCollection()
    db: Any = {"petitions": collection}
    shown: ReadCache[Petition] = ReadCache(ttl_s=1.0, max_entries=100, clock=clock or Clock())
    return PetitionRepository(db, DocumentLocks(), shown=shown), collection


async def test_repeated_reads_within_the_ttl_cost_one_database_read() -> None:
    clock = Clock()
    petitions, collection = repository(clock)
    collection.docs["p1"] = petition_doc("p1", "chernivtsi")
    for _ in range(5):
        found = await petitions.get_shown("chernivtsi", "p1")
        assert found is not None and found.signature_count == 3
    assert collection.reads == 1
    clock.now += 1.0  # the TTL is over: another replica's change would show now
    await petitions.get_shown("chernivtsi", "p1")
    assert collection.reads == 2


async def test_a_cached_petition_is_not_found_for_another_council() -> None:
    petitions, collection = repository()
    collection.docs["p1"] = petition_doc("p1", "chernivtsi")
    assert await petitions.get_shown("chernivtsi", "p1") is not None
    assert await petitions.get_shown("uzhhorod", "p1") is None


async def test_this_process_s_status_change_is_seen_by_the_next_read() -> None:
    petitions, collection = repository()
    collection.docs["p1"] = petition_doc("p1", "chernivtsi", MODERATION)
    assert (await petitions.get_shown("chernivtsi", "p1")).status == MODERATION  # type: ignore[union-attr]
    assert await petitions.apply("p1", MODERATION, {"status": COLLECTING}, [])
    assert (await petitions.get_shown("chernivtsi", "p1")).status == COLLECTING  # type: ignore[union-attr]


async def test_a_raised_count_is_seen_by_the_next_read() -> None:
    petitions, collection = repository()
    collection.docs["p1"] = petition_doc("p1", "chernivtsi")
    await petitions.get_shown("chernivtsi", "p1")
    collection.docs["p1"]["signature_count"] = 250  # what the update below writes
    await petitions.raise_count("p1", 250)
    assert (await petitions.get_shown("chernivtsi", "p1")).signature_count == 250  # type: ignore[union-attr]


async def test_a_read_in_flight_across_a_write_does_not_store_the_old_copy() -> None:
    petitions, collection = repository()
    collection.docs["p1"] = petition_doc("p1", "chernivtsi", MODERATION)
    collection.read_gate = asyncio.Event()
    slow_read = asyncio.create_task(petitions.get_shown("chernivtsi", "p1"))
    await asyncio.sleep(0)  # the read has its (old) snapshot and waits
    collection.read_gate.set()
    await petitions.apply("p1", MODERATION, {"status": COLLECTING}, [])
    assert (await slow_read).status == MODERATION  # type: ignore[union-attr]  # it began before
    collection.read_gate = None
    assert (await petitions.get_shown("chernivtsi", "p1")).status == COLLECTING  # type: ignore[union-attr]


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache: ReadCache[str] = ReadCache(ttl_s=10, max_entries=2, clock=Clock())
    cache.store("t", "a", "A", cache.epoch)
    cache.store("t", "b", "B", cache.epoch)
    assert cache.get("t", "a") == "A"  # "b" is now the least recently used
    cache.store("t", "c", "C", cache.epoch)
    assert len(cache) == 2 and cache.get("t", "b") is None and cache.get("t", "a") == "A"


async def test_an_unpublished_cached_petition_is_still_hidden_from_other_citizens() -> None:
    """Law 393/96-ВР Art. 23-1: a petition is public from publication; before that only its
    author and the council's staff see it, even when it is in the cache."""
    petitions, collection = repository()
    collection.docs["p1"] = petition_doc("p1", "chernivtsi", MODERATION)
    use_cases = PetitionUseCases(petitions, signatures=None, policies=None)  # type: ignore[arg-type]
    author = Principal(sub="author", roles=frozenset({"citizen"}))
    staff = Principal(sub="s", roles=frozenset({"official"}), tenant="chernivtsi")
    other_staff = Principal(sub="s2", roles=frozenset({"official"}), tenant="uzhhorod")
    stranger = Principal(sub="someone", roles=frozenset({"citizen"}))
    assert (await use_cases.get_petition("chernivtsi", author, "p1")).id == "p1"
    assert (await use_cases.get_petition("chernivtsi", staff, "p1")).id == "p1"
    for who in (stranger, other_staff, None):
        with pytest.raises(Problem) as caught:
            await use_cases.get_petition("chernivtsi", who, "p1")
        assert caught.value.status == 404
    assert collection.reads == 1  # all from the cache, the rule applied each time


async def test_list_pages_are_cached_and_any_write_of_this_process_drops_them() -> None:
    petitions, collection = repository()
    collection.docs["p1"] = petition_doc("p1", "chernivtsi", MODERATION)
    query = {"tenant": "chernivtsi", "status": COLLECTING}
    sort = [("created_at", -1)]
    assert len(await petitions.find_page(query, sort, 21)) == 1
    assert len(await petitions.find_page(query, sort, 21)) == 1
    assert collection.reads == 1
    other = {"tenant": "uzhhorod", "status": COLLECTING}
    assert await petitions.find_page(other, sort, 21) == []  # another council: its own page
    await petitions.apply("p1", MODERATION, {"status": COLLECTING}, [])
    (listed,) = await petitions.find_page(query, sort, 21)
    assert listed["status"] == COLLECTING
    filed = Petition.from_doc(petition_doc("p2", "chernivtsi"))
    await petitions.add(filed)
    assert len(await petitions.find_page(query, sort, 21)) == 2  # a new petition shows at once
