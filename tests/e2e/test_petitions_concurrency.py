"""Signing at once through the gateway on the real stack: many distinct citizens -> the count
equals their number and a recount of the stored signatures; one citizen 50 times at once ->
exactly one signature (one 201, 49 x 409). The council is onboarded for the test with a high
`sensitive_writes_per_minute`, so the gateway's limit of 20 signatures a minute does not
answer first."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pymongo import MongoClient

from tests.e2e.test_petitions_lifecycle import Council
from tests.stack import Gateway, env, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def petitions_db() -> Iterator[Any]:
    client: MongoClient[dict[str, Any]] = MongoClient(
        env("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
    )
    yield client["hromada_petitions"]
    client.close()


def sign_all_at_once(gateway: Gateway, path: str, headers: list[dict[str, str]]) -> Counter[int]:
    async def sign() -> list[int]:
        async with httpx.AsyncClient(base_url=gateway.url, timeout=60.0) as http:
            answers = await asyncio.gather(*(http.post(path, headers=h) for h in headers))
        return [a.status_code for a in answers]

    return Counter(asyncio.run(sign()))


def test_many_distinct_citizens_at_once_are_all_counted(
    gateway: Gateway, petitions_db: Any
) -> None:
    council = Council(gateway)
    council.configure(threshold=100_000)
    petition_id = council.published(council.citizen())
    signers = [council.citizen() for _ in range(80)]

    statuses = sign_all_at_once(gateway, f"{council.base}/{petition_id}/signatures", signers)

    assert statuses == Counter({201: 80})

    def counted() -> int | None:
        count = int(council.call("GET", f"/{petition_id}").json()["signature_count"])
        return count if count == 81 else None

    assert wait_for(counted, 30, what="the count to reach 81") == 81
    recount = petitions_db["signatures"].count_documents(
        {"tenant": council.slug, "petition_id": petition_id}
    )
    assert recount == 81


def test_one_citizen_signing_50_times_at_once_counts_once(
    gateway: Gateway, petitions_db: Any
) -> None:
    council = Council(gateway)
    petition_id = council.published(council.citizen())
    eager = council.citizen("Нетерпляча Особа")

    statuses = sign_all_at_once(gateway, f"{council.base}/{petition_id}/signatures", [eager] * 50)

    assert statuses == Counter({201: 1, 409: 49})
    stored = petitions_db["signatures"].count_documents(
        {"tenant": council.slug, "petition_id": petition_id}
    )
    assert stored == 2  # the author's and the eager citizen's

    def counted() -> int | None:
        count = int(council.call("GET", f"/{petition_id}").json()["signature_count"])
        return count if count == 2 else None

    assert wait_for(counted, 30, what="the count to reach 2") == 2
