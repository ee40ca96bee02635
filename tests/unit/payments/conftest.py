"""The payments use cases wired to in-memory fakes, with a clock the test moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.write_guard import DocumentLocks
from services.payments.catalogue import DemoCatalogue
from services.payments.changes import ChangeApplier
from services.payments.domain import Payment
from services.payments.fines import DemoFinesRegister
from services.payments.provider_updates import ProviderUpdates
from services.payments.saga import BookingSaga
from services.payments.use_cases import PaymentUseCases
from tests.unit.payments.fakes import FakePaymentRepository, FakeProvider

CITIZEN = Principal(sub="c1", name="Олена Коваль", roles=frozenset({"citizen"}))
OTHER_CITIZEN = Principal(sub="c2", name="Петро", roles=frozenset({"citizen"}))
OFFICIAL = Principal(sub="o1", roles=frozenset({"official"}), tenant="chernivtsi")
FOREIGN_OFFICIAL = Principal(sub="o2", roles=frozenset({"official"}), tenant="uzhhorod")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: Any) -> None:
        self.now += timedelta(**kwargs)


class NoClaims:
    async def claim(self, *args: Any) -> Payment | None:
        return None

    async def release(self, *args: Any) -> None:
        return None


@dataclass
class World:
    repo: FakePaymentRepository
    provider: FakeProvider
    clock: Clock
    changes: ChangeApplier
    updates: ProviderUpdates
    use_cases: PaymentUseCases
    saga: BookingSaga
    notified: list[str]


@pytest.fixture
def world() -> World:
    repo = FakePaymentRepository()
    provider = FakeProvider()
    clock = Clock()
    notified: list[str] = []
    changes = ChangeApplier(repo, DocumentLocks(), notified.append)  # type: ignore[arg-type]
    updates = ProviderUpdates(repo, changes, provider, clock)  # type: ignore[arg-type]
    ttl = timedelta(minutes=90)
    use_cases = PaymentUseCases(
        repo,  # type: ignore[arg-type]
        changes,
        provider,
        DemoCatalogue(),
        DemoFinesRegister(),
        NoClaims(),  # type: ignore[arg-type]
        updates,
        "http://gateway.test",
        ttl,
        notified.append,
        clock,
    )
    saga = BookingSaga(
        repo,
        changes,
        provider,
        use_cases.callback_url,
        ttl,
        notified.append,
        use_cases.refund,
        clock,
    )  # type: ignore[arg-type]
    return World(repo, provider, clock, changes, updates, use_cases, saga, notified)
