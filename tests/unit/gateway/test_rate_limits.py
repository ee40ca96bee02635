"""Rate limits: which budgets a request spends, the fixed-window slot arithmetic on a fake
clock, two replicas sharing one store, failing open, and the 429 through the wired gateway."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from pymongo.errors import ServerSelectionTimeoutError

from chassis.problems import PROBLEM_MEDIA_TYPE
from gateway.app import create_app
from gateway.dev_identity import DevIssuer
from gateway.rate_limit_store import LocalSlotStore, wire_rate_limits
from gateway.rate_limits import (
    Budget,
    DefaultLimits,
    RateLimiter,
    Slot,
    budgets_for,
    is_sensitive_write,
)
from gateway.settings import GatewaySettings
from gateway.tenant_settings import TenantSettings
from tests.unit.gateway.conftest import (
    FakeTenantDirectory,
    FakeUpstream,
    bearer,
    claims,
    make_settings,
)

WINDOW_START = 1_800_000_000.0 - (1_800_000_000.0 % 60)  # a minute boundary


class FakeClock:
    def __init__(self, now: float = WINDOW_START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class MemorySlotStore:
    """Slots in a set, with MongoDB's unique-`_id` semantics; counts its round trips."""

    def __init__(self) -> None:
        self.slots: set[Slot] = set()
        self.round_trips = 0
        self.down = False

    async def claim(self, slots: list[Slot], at: float) -> set[Slot]:
        self.round_trips += 1
        if self.down:
            raise ServerSelectionTimeoutError("no server")
        taken = {s for s in slots if s in self.slots}
        self.slots.update(s for s in slots if s not in taken)
        return taken


USER = [Budget("user:a", 3)]
DEFAULTS = DefaultLimits()


@pytest.mark.parametrize(
    ("method", "service", "rest"),
    [
        ("POST", "appeals", ""),
        ("POST", "appeals", "/"),
        ("POST", "appeals", "A1B2/attachments"),
        ("POST", "open311", "v2/requests.json"),
        ("POST", "petitions", "p-1/signatures"),
        ("POST", "budget", "cycles/c-1/votes"),
        ("POST", "queue", "bookings"),
        ("POST", "payments", ""),
    ],
)
def test_filing_signing_voting_booking_and_paying_are_sensitive_writes(
    method: str, service: str, rest: str
) -> None:
    assert is_sensitive_write(method, service, rest)


@pytest.mark.parametrize(
    ("method", "service", "rest"),
    [
        ("GET", "appeals", ""),
        ("POST", "appeals", "A1B2/assign"),
        ("GET", "petitions", "p-1/signatures"),
        ("POST", "petitions", ""),
        ("POST", "payments", "callbacks/liqpay"),
        ("POST", "queue", "bookings/b-1/cancel"),
        ("POST", "notify", ""),
    ],
)
def test_reads_and_other_writes_are_not_sensitive(method: str, service: str, rest: str) -> None:
    assert not is_sensitive_write(method, service, rest)


def test_an_anonymous_request_spends_its_ips_budget_only() -> None:
    budgets = budgets_for(
        sensitive=True, user=None, client_ip="203.0.113.7", tenant_settings={}, defaults=DEFAULTS
    )

    assert [b.limit for b in budgets] == [1200]
    assert budgets[0].key.startswith("ip:") and "203.0.113.7" not in budgets[0].key


def test_a_users_sensitive_write_spends_the_overall_and_the_sensitive_budget() -> None:
    write = budgets_for(
        sensitive=True, user="sub-1", client_ip="1.2.3.4", tenant_settings={}, defaults=DEFAULTS
    )
    read = budgets_for(
        sensitive=False, user="sub-1", client_ip="1.2.3.4", tenant_settings={}, defaults=DEFAULTS
    )

    assert [b.limit for b in write] == [600, 20]
    assert [b.limit for b in read] == [600]
    assert write[0] == read[0] and "sub-1" not in write[0].key + write[1].key


def test_a_councils_settings_override_the_per_user_limits() -> None:
    settings = TenantSettings.model_validate(
        {"rate_limits": {"sensitive_writes_per_minute": 5, "requests_per_minute": 50}}
    )

    budgets = budgets_for(
        sensitive=True, user="u", client_ip=None, tenant_settings=settings, defaults=DEFAULTS
    )

    assert [b.limit for b in budgets] == [50, 5]


@pytest.mark.parametrize(
    "stored", [{}, {"rate_limits": None}, {"rate_limits": {"requests_per_minute": "lots"}}]
)
def test_missing_or_unusable_settings_fall_back_to_the_defaults(stored: dict[str, Any]) -> None:
    budgets = budgets_for(
        sensitive=True, user="u", client_ip=None, tenant_settings=stored, defaults=DEFAULTS
    )

    assert [b.limit for b in budgets] == [600, 20]


async def test_the_request_over_the_limit_is_refused_until_the_window_ends() -> None:
    clock = FakeClock(WINDOW_START + 15.2)
    limiter = RateLimiter(MemorySlotStore(), clock=clock)

    verdicts = [await limiter.check("uzhhorod", USER) for _ in range(4)]

    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[3].retry_after_s == 45  # ceil(60 - 15.2)
    clock.now = WINDOW_START + 59.5
    assert (await limiter.check("uzhhorod", USER)).retry_after_s == 1
    clock.now = WINDOW_START + 60
    assert (await limiter.check("uzhhorod", USER)).allowed


async def test_a_full_budget_is_refused_without_a_round_trip() -> None:
    store = MemorySlotStore()
    limiter = RateLimiter(store, clock=FakeClock())
    for _ in range(3):
        await limiter.check("uzhhorod", USER)

    await limiter.check("uzhhorod", USER)
    await limiter.check("uzhhorod", USER)

    assert store.round_trips == 3


async def test_budgets_are_separate_per_user_and_per_council() -> None:
    limiter = RateLimiter(MemorySlotStore(), clock=FakeClock())
    for _ in range(3):
        await limiter.check("uzhhorod", USER)

    assert not (await limiter.check("uzhhorod", USER)).allowed
    assert (await limiter.check("uzhhorod", [Budget("user:b", 3)])).allowed
    assert (await limiter.check("chernivtsi", USER)).allowed


async def test_two_replicas_sharing_the_store_never_pass_more_than_the_limit() -> None:
    store, clock = MemorySlotStore(), FakeClock()
    replicas = [RateLimiter(store, clock=clock), RateLimiter(store, clock=clock)]
    budget = [Budget("write:a", 20)]

    verdicts = [await replicas[i % 2].check("uzhhorod", budget) for i in range(30)]

    assert sum(v.allowed for v in verdicts) == 20
    assert len(store.slots) == 20


async def test_one_full_budget_refuses_the_request_and_the_others_are_spent() -> None:
    store = MemorySlotStore()
    limiter = RateLimiter(store, clock=FakeClock())
    overall, sensitive = Budget("user:a", 10), Budget("write:a", 2)

    verdicts = [await limiter.check("uzhhorod", [overall, sensitive]) for _ in range(3)]
    plain_reads = [await limiter.check("uzhhorod", [overall]) for _ in range(8)]

    assert [v.allowed for v in verdicts] == [True, True, False]
    # The refused write was known full before any insert: it spent nothing.
    assert [v.allowed for v in plain_reads] == [True] * 8


async def test_the_limiter_fails_open_while_the_store_is_down() -> None:
    store, clock = MemorySlotStore(), FakeClock()
    limiter = RateLimiter(store, clock=clock, fail_open_s=5)
    store.down = True

    verdicts = [await limiter.check("uzhhorod", [Budget("user:a", 1)]) for _ in range(3)]

    assert all(v.allowed for v in verdicts)
    assert store.round_trips == 1  # then it stops asking for fail_open_s
    store.down = False
    clock.now += 5
    assert (await limiter.check("uzhhorod", [Budget("user:a", 1)])).allowed
    assert not (await limiter.check("uzhhorod", [Budget("user:a", 1)])).allowed


def gateway_with_limits(dev_key_file: Path, upstream: FakeUpstream, store: MemorySlotStore) -> Any:
    tenants = FakeTenantDirectory()
    strict = TenantSettings.model_validate({"rate_limits": {"sensitive_writes_per_minute": 2}})
    tenants.tenants["uzhhorod"] = replace(tenants.tenants["uzhhorod"], settings=strict)
    return create_app(
        make_settings(dev_key_file, rate_limits_enabled=True),
        tenant_directory=tenants,
        upstream_transport=httpx.ASGITransport(upstream),
        rate_limit_store=store,
    )


async def test_over_the_limit_the_gateway_answers_429_with_retry_after_in_uk_and_en(
    dev_key_file: Path, issuer: DevIssuer
) -> None:
    upstream, store = FakeUpstream(), MemorySlotStore()
    olena = bearer(issuer.sign(claims(sub="olena")))
    petro = bearer(issuer.sign(claims(sub="petro")))

    async with AsyncTestClient(gateway_with_limits(dev_key_file, upstream, store)) as gateway:
        passed = [await gateway.post("/api/v1/uzhhorod/appeals", json={}, headers=olena)]
        passed.append(await gateway.post("/api/v1/uzhhorod/appeals/", json={}, headers=olena))
        refused = await gateway.post("/api/v1/uzhhorod/appeals", json={}, headers=olena)
        other_user = await gateway.post("/api/v1/uzhhorod/appeals", json={}, headers=petro)
        same_user_read = await gateway.get("/api/v1/uzhhorod/appeals/A-1", headers=olena)

    assert [r.status_code for r in passed] == [200, 200]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Забагато запитів" in refused.json()["detail"]
    assert "Too many requests" in refused.json()["detail"]
    assert (other_user.status_code, same_user_read.status_code) == (200, 200)
    assert len(upstream.calls) == 4  # the refused request never reached the service


async def test_one_replica_on_the_local_store_passes_exactly_the_limit() -> None:
    limiter = RateLimiter(LocalSlotStore(), clock=FakeClock())
    budget = [Budget("write:a", 20)]

    verdicts = [await limiter.check("uzhhorod", budget) for _ in range(25)]

    assert sum(v.allowed for v in verdicts) == 20
    assert not verdicts[-1].allowed


def test_the_local_store_needs_no_database_and_no_sweep() -> None:
    settings = GatewaySettings(rate_limit_store="local")

    limits, background = wire_rate_limits(settings, collection=None)  # type: ignore[arg-type]

    assert limits is not None
    assert isinstance(limits.limiter.store, LocalSlotStore)
    assert background == []
