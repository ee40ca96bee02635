"""Idempotency-Key under concurrency (in-flight duplicates wait and replay) and the queue
catalogue adapter (parsing, the dev fallback)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from pymongo.errors import DuplicateKeyError

from chassis.idempotency import IdempotencyStore, StoredResponse
from chassis.problems import Problem
from services.payments.catalogue import DemoCatalogue, QueueCatalogue
from services.payments.idempotent_create import WaitingIdempotency


class FakeKeys:
    """The idempotency_keys collection: a unique `_id`, single-document writes."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def insert_one(self, doc: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("dup")
        self.docs[doc["_id"]] = dict(doc)

    async def find_one(
        self, query: dict[str, Any], projection: Any = None
    ) -> dict[str, Any] | None:
        return self.docs.get(query["_id"])

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> None:
        self.docs[query["_id"]].update(update["$set"])

    async def delete_one(self, query: dict[str, Any]) -> None:
        self.docs.pop(query["_id"], None)


def waiting_store() -> WaitingIdempotency:
    store = IdempotencyStore.__new__(IdempotencyStore)
    store.keys = FakeKeys()  # type: ignore[assignment]
    return WaitingIdempotency(store, wait_s=5.0)


async def test_fifty_concurrent_retries_of_one_key_create_once_and_all_get_the_first_answer() -> (
    None
):
    idempotency = waiting_store()
    created: list[int] = []

    async def create() -> StoredResponse:
        await asyncio.sleep(0.05)  # the provider call: others arrive meanwhile
        created.append(1)
        return StoredResponse(201, {"id": f"p-{len(created)}"})

    async def attempt() -> tuple[StoredResponse, bool]:
        return await idempotency.run(
            tenant="t", caller="c1", key="k", payload={"a": 1}, create=create
        )

    results = await asyncio.gather(*(attempt() for _ in range(50)))
    assert len(created) == 1
    assert {r.body["id"] for r, _ in results} == {"p-1"}
    assert sum(1 for _, replayed in results if not replayed) == 1


async def test_the_same_key_with_another_body_is_a_422_and_no_key_is_a_400() -> None:
    idempotency = waiting_store()

    async def create() -> StoredResponse:
        return StoredResponse(201, {"id": "p-1"})

    await idempotency.run(tenant="t", caller="c1", key="k", payload={"a": 1}, create=create)
    with pytest.raises(Problem) as raised:
        await idempotency.run(tenant="t", caller="c1", key="k", payload={"a": 2}, create=create)
    assert raised.value.status == 422
    with pytest.raises(Problem) as raised:
        await idempotency.run(tenant="t", caller="c1", key=None, payload={"a": 1}, create=create)
    assert (raised.value.status, raised.value.errors[0].field) == (400, "Idempotency-Key")


async def test_a_failed_first_attempt_leaves_the_key_free_for_a_retry() -> None:
    idempotency = waiting_store()

    async def refuse() -> StoredResponse:
        raise Problem(409, "Штраф уже сплачено")

    with pytest.raises(Problem):
        await idempotency.run(tenant="t", caller="c1", key="k", payload={}, create=refuse)

    async def create() -> StoredResponse:
        return StoredResponse(201, {"id": "p-2"})

    response, replayed = await idempotency.run(
        tenant="t", caller="c1", key="k", payload={}, create=create
    )
    assert (response.body, replayed) == ({"id": "p-2"}, False)


def catalogue(handler: Any, fallback: bool = True) -> QueueCatalogue:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return QueueCatalogue(http, "http://queue.test", DemoCatalogue() if fallback else None)


QUEUE_ITEM = {
    "code": "birth-cert",
    "name": {"uk": "Свідоцтво", "en": "Certificate"},
    "paid": True,
    "fee": {
        "amount": 8500,
        "currency": "UAH",
        "recipient": "ГУК",
        "iban": "UA00",
        "edrpou": "123",
        "budget_code": "22012500",
    },
}


async def test_fees_and_requisites_come_from_queues_catalogue() -> None:
    fee = await catalogue(lambda r: httpx.Response(200, json={"items": [QUEUE_ITEM]})).fee_of(
        "t", "birth-cert"
    )
    assert fee is not None
    assert (fee.amount, fee.name, fee.requisites.iban) == (8500, "Свідоцтво", "UA00")


async def test_a_free_service_cannot_be_paid() -> None:
    free = {**QUEUE_ITEM, "paid": False, "fee": None}
    found = await catalogue(lambda r: httpx.Response(200, json={"items": [free]}), False).fee_of(
        "t", "birth-cert"
    )
    assert found is None


async def test_the_demo_table_answers_when_queue_cannot_but_not_in_production() -> None:
    fee = await catalogue(lambda r: httpx.Response(404)).fee_of("t", "passport-id")
    assert fee is not None and fee.amount == 34500
    with pytest.raises(httpx.HTTPStatusError):
        await catalogue(lambda r: httpx.Response(503), fallback=False).fee_of("t", "passport-id")
