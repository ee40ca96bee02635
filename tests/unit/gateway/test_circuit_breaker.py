"""Circuit breaker per service on a fake clock: closed -> open after N consecutive failures ->
half-open after the cool-down with exactly one trial -> closed on success, open on failure;
and through the gateway: a dead service becomes fast 503s that never call it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY

from chassis.problems import PROBLEM_MEDIA_TYPE, Problem
from gateway.circuit_breaker import BreakerState, CircuitBreaker, CircuitBreakers
from tests.unit.gateway.conftest import build_gateway


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def broken_breaker(clock: FakeClock, failures: int = 3) -> CircuitBreaker:
    breaker = CircuitBreaker("petitions", failure_threshold=3, cooldown_s=10, clock=clock)
    for _ in range(failures):
        breaker.admit()
        breaker.failed()
    return breaker


def test_fewer_failures_than_the_threshold_keep_it_closed() -> None:
    breaker = broken_breaker(FakeClock(), failures=2)

    assert breaker.state is BreakerState.CLOSED
    breaker.admit()


def test_a_success_resets_the_count_of_consecutive_failures() -> None:
    clock = FakeClock()
    breaker = broken_breaker(clock, failures=2)
    breaker.succeeded()
    breaker.failed()
    breaker.failed()

    assert breaker.state is BreakerState.CLOSED


def test_n_consecutive_failures_open_it_and_requests_get_503_with_retry_after() -> None:
    clock = FakeClock()
    breaker = broken_breaker(clock)
    clock.now += 2.5

    with pytest.raises(Problem) as refused:
        breaker.admit()

    assert breaker.state is BreakerState.OPEN
    assert refused.value.status == 503
    assert refused.value.headers == {"Retry-After": "8"}  # ceil(10 - 2.5)
    assert "тимчасово недоступний" in refused.value.detail


def test_after_the_cooldown_exactly_one_trial_goes_through() -> None:
    clock = FakeClock()
    breaker = broken_breaker(clock)
    clock.now += 10

    assert breaker.state is BreakerState.HALF_OPEN
    breaker.admit()  # the trial
    with pytest.raises(Problem):
        breaker.admit()  # everyone else waits for its outcome


def test_a_successful_trial_closes_it() -> None:
    clock = FakeClock()
    breaker = broken_breaker(clock)
    clock.now += 10
    breaker.admit()

    breaker.succeeded()

    assert breaker.state is BreakerState.CLOSED
    breaker.admit()


def test_a_failed_trial_opens_it_for_another_cooldown() -> None:
    clock = FakeClock()
    breaker = broken_breaker(clock)
    clock.now += 10
    breaker.admit()

    breaker.failed()

    assert breaker.state is BreakerState.OPEN
    clock.now += 9.9
    with pytest.raises(Problem):
        breaker.admit()
    clock.now += 0.1
    assert breaker.state is BreakerState.HALF_OPEN


def test_an_abandoned_trial_lets_the_next_request_try() -> None:
    clock = FakeClock()
    breaker = broken_breaker(clock)
    clock.now += 10
    breaker.admit()

    breaker.abandoned()

    assert breaker.state is BreakerState.HALF_OPEN
    breaker.admit()


def test_the_state_is_a_prometheus_gauge_per_service() -> None:
    clock = FakeClock()
    breakers = CircuitBreakers(failure_threshold=1, cooldown_s=10, clock=clock)
    breaker = breakers.for_service("budget")
    gauge = {"service": "budget"}

    assert REGISTRY.get_sample_value("gateway_circuit_breaker_state", gauge) == 0
    breaker.failed()
    assert REGISTRY.get_sample_value("gateway_circuit_breaker_state", gauge) == 2
    clock.now += 10
    assert REGISTRY.get_sample_value("gateway_circuit_breaker_state", gauge) == 1


class DeadService(httpx.AsyncBaseTransport):
    """Refuses every connection, like a stopped service; counts the attempts."""

    def __init__(self) -> None:
        self.attempts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        raise httpx.ConnectError("connection refused", request=request)


async def test_a_dead_service_turns_into_fast_503s_that_do_not_call_it(
    dev_key_file: Path,
) -> None:
    dead = DeadService()
    app = build_gateway(dev_key_file, dead, breaker_failure_threshold=3)

    async with AsyncTestClient(app) as gateway:
        answers = [await gateway.get("/api/v1/chernivtsi/petitions") for _ in range(6)]
        other_service = await gateway.get("/api/v1/chernivtsi/budget")

    assert [r.status_code for r in answers] == [503] * 6
    assert all(r.headers["content-type"] == PROBLEM_MEDIA_TYPE for r in answers)
    assert ["retry-after" in r.headers for r in answers] == [False] * 3 + [True] * 3
    assert other_service.status_code == 503 and "retry-after" not in other_service.headers
    assert dead.attempts == 4  # three before it opened, one for budget
