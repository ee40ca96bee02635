"""A circuit breaker per upstream service: after N consecutive failures the gateway stops
calling a dead service for a cool-down and answers 503 at once, then lets one trial request
through; its success closes the breaker, its failure opens it again.

State lives in this process: the breaker protects this replica's own pool and threads, and
each replica learns on its own that a service is down (a handful of requests).
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Gauge

from chassis.logging import get_logger
from chassis.problems import Problem

log = get_logger("gateway.circuit_breaker")

BREAKER_STATE = Gauge(
    "gateway_circuit_breaker_state",
    "Circuit breaker per upstream service: 0 closed, 1 half-open (trial allowed), 2 open.",
    ["service"],
)
# A service answering these is as unavailable as one that does not answer.
FAILURE_STATUSES = frozenset({502, 503, 504})


class BreakerState(enum.IntEnum):
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


@dataclass
class CircuitBreaker:
    """One service's breaker. Call `admit()` before the upstream call, then exactly one of
    `succeeded()`, `failed()` or `abandoned()` for an admitted request."""

    service: str
    failure_threshold: int = 5
    cooldown_s: float = 10.0
    clock: Callable[[], float] = time.monotonic
    _failures: int = 0
    _opened_at: float | None = None
    _trial_running: bool = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._trial_running or self.clock() - self._opened_at < self.cooldown_s:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def admit(self) -> None:
        """Let the request through, or raise a 503 problem with `Retry-After`."""
        state = self.state
        if state is BreakerState.CLOSED:
            return
        if state is BreakerState.HALF_OPEN:
            self._trial_running = True  # this request is the one trial; others wait
            return
        raise self._unavailable()

    def succeeded(self) -> None:
        if self._opened_at is not None:
            log.info("circuit.closed", upstream=self.service)
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    def failed(self) -> None:
        self._failures += 1
        reopen = self._trial_running
        if reopen or (self._opened_at is None and self._failures >= self.failure_threshold):
            log.warning("circuit.opened", upstream=self.service, failures=self._failures)
            self._opened_at = self.clock()
            self._trial_running = False

    def abandoned(self) -> None:
        """The request ended without telling us anything about the service (e.g. the client's
        body was too large): a trial slot is handed back, the count stays."""
        self._trial_running = False

    def retry_after_s(self) -> int:
        if self._opened_at is None:
            return 0
        remaining = self.cooldown_s - (self.clock() - self._opened_at)
        return max(1, math.ceil(remaining))

    def _unavailable(self) -> Problem:
        seconds = self.retry_after_s()
        return Problem(
            503,
            f"Сервіс тимчасово недоступний, спробуйте за {seconds} с. "
            f"The service '{self.service}' is temporarily unavailable; "
            f"try again in {seconds} s.",
            headers={"Retry-After": str(seconds)},
        )


class CircuitBreakers:
    """The breakers of every upstream service, created on first use."""

    def __init__(
        self,
        failure_threshold: int = 5,
        cooldown_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}

    def for_service(self, service: str) -> CircuitBreaker:
        if service not in self._breakers:
            created = CircuitBreaker(service, self.failure_threshold, self.cooldown_s, self.clock)
            self._breakers[service] = created
            # Read at scrape time, so the gauge shows open -> half-open without a request.
            BREAKER_STATE.labels(service).set_function(lambda: float(created.state))
        return self._breakers[service]


__all__ = ["BREAKER_STATE", "FAILURE_STATUSES", "BreakerState", "CircuitBreaker", "CircuitBreakers"]
