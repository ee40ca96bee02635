"""One open or paid payment per fine, arbitrated by a unique `_id` on a real MongoDB-wire
server: concurrent attempts by different citizens get one claim; a paid fine is refused; a
claim whose payment ended unpaid is taken over."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from chassis.auth import Principal
from chassis.problems import Problem
from chassis.settings import ServiceSettings
from services.payments.domain import Payment, Requisites
from services.payments.fine_claims import FineClaims
from services.payments.repository import PaymentRepository

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


@pytest.fixture
async def stores() -> AsyncIterator[tuple[FineClaims, PaymentRepository]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        ServiceSettings().mongo_url, tz_aware=True
    )
    name = f"test_payments_{uuid.uuid4().hex[:8]}"
    repository = PaymentRepository(client[name])
    yield FineClaims(client[name], repository), repository
    await client.drop_database(name)
    await client.close()


def fine_payment(payment_id: str, sub: str, status: str = "created") -> Payment:
    return Payment(
        id=payment_id,
        tenant="chernivtsi",
        purpose="fine",
        reference="DEMO-1",
        amount=34000,
        requisites=Requisites("ГУК", "UA21", "37978503", "21081100", "*;101;"),
        description="Штраф",
        citizen_sub=sub,
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=90),
        status=status,
    )


def citizen(sub: str) -> Principal:
    return Principal(sub=sub, roles=frozenset({"citizen"}))


async def test_concurrent_attempts_at_one_fine_get_one_claim(
    stores: tuple[FineClaims, PaymentRepository],
) -> None:
    claims, repository = stores

    async def attempt(i: int) -> str:
        payment_id = f"p-{i}"
        try:
            await claims.claim("chernivtsi", "DEMO-1", payment_id, citizen(f"c-{i}"))
        except Problem as problem:
            return f"refused {problem.status}"
        await asyncio.sleep(0.05)  # the checkout is registered with the provider meanwhile
        await repository.add(fine_payment(payment_id, f"c-{i}"), [])
        return "claimed"

    results = await asyncio.gather(*(attempt(i) for i in range(10)))
    assert results.count("claimed") == 1
    assert set(results) - {"claimed"} <= {"refused 409"}


async def test_a_paid_fine_is_refused_and_an_unpaid_end_frees_it(
    stores: tuple[FineClaims, PaymentRepository],
) -> None:
    claims, repository = stores
    await claims.claim("chernivtsi", "DEMO-1", "p-1", citizen("c-1"))
    await repository.add(fine_payment("p-1", "c-1"), [])
    # The same citizen comes back: their open payment, not a second one.
    resumed = await claims.claim("chernivtsi", "DEMO-1", "p-2", citizen("c-1"))
    assert resumed is not None and resumed.id == "p-1"

    expired = replace(fine_payment("p-1", "c-1", "expired"), version=1)
    assert await repository.save(expired, [])
    assert await claims.claim("chernivtsi", "DEMO-1", "p-3", citizen("c-2")) is None
    await repository.add(fine_payment("p-3", "c-2", "success"), [])
    with pytest.raises(Problem) as raised:
        await claims.claim("chernivtsi", "DEMO-1", "p-4", citizen("c-3"))
    assert raised.value.status == 409 and "сплачено" in raised.value.detail


async def test_a_failed_creation_releases_its_claim(
    stores: tuple[FineClaims, PaymentRepository],
) -> None:
    claims, _ = stores
    assert await claims.claim("chernivtsi", "DEMO-2", "p-1", citizen("c-1")) is None
    with pytest.raises(Problem) as raised:  # p-1 is still being created (no payment yet)
        await claims.claim("chernivtsi", "DEMO-2", "p-2", citizen("c-2"))
    assert raised.value.status == 409
    await claims.release("chernivtsi", "DEMO-2", "p-1")  # the provider was down
    assert await claims.claim("chernivtsi", "DEMO-2", "p-2", citizen("c-2")) is None
