"""Rate limits at the edge: which budgets a request spends, and a fixed-window limiter whose
state is shared by every gateway replica through MongoDB.

Budgets (per council, per minute): every request of a signed-in user spends one of the
user's overall budget (600); a sensitive write (the list below) also spends one of the user's
sensitive budget (20); an anonymous request spends one of its client IP's budget (1200). A
council changes the first two in its settings (`rate_limits`); the IP budget is a gateway
setting.

Why fixed windows of claimed slots and not token buckets: a bucket is a read-modify-write of
one document, and FerretDB runs `findAndModify`/`$inc` non-atomically, so two replicas would
both spend the same token. The only write FerretDB arbitrates atomically is an insert against
a unique `_id`. So request number n of a key in a window inserts the slot document
`{key}|{window}|{n}`; a duplicate means another request (any replica) holds slot n, and the
request tries n+1. Slots 1..limit exist at most once each, so no more than `limit` requests
of one key pass in one window, however many replicas run. Each replica remembers the next
slot to try, so the usual cost is one insert; a key that is full is refused without any
round trip. The known tolerance of fixed windows: a burst straddling a window boundary can
pass up to twice the limit within a few seconds.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pymongo.errors import PyMongoError

from chassis.logging import get_logger
from chassis.problems import Problem

log = get_logger("gateway.rate_limits")

WINDOW_S = 60  # every budget is "per minute"


@dataclass(frozen=True)
class SensitiveWrite:
    """A flow abuse hurts most: filing, signing, voting, booking, paying."""

    method: str
    service: str
    path: re.Pattern[str]  # matched against the path after `/api/v1/{tenant}/{service}/`

    def matches(self, method: str, service: str, rest: str) -> bool:
        return (
            method.upper() == self.method
            and service == self.service
            and bool(self.path.fullmatch(rest.strip("/")))
        )


def _write(service: str, path: str) -> SensitiveWrite:
    return SensitiveWrite("POST", service, re.compile(path))


# The one list of sensitive writes; each costs one of the user's `sensitive_writes_per_minute`.
SENSITIVE_WRITES = (
    _write("appeals", r""),  # file an appeal
    _write("appeals", r"[^/]+/attachments"),  # attach a file to an appeal
    _write("open311", r"v2/requests\.(json|xml)"),  # an appeal filed through Open311
    _write("petitions", r"[^/]+/signatures"),  # sign a petition
    _write("budget", r"cycles/[^/]+/votes"),  # vote in the participatory budget
    _write("queue", r"bookings"),  # book an ASC visit
    _write("payments", r""),  # create a payment intent
)


def is_sensitive_write(method: str, service: str, rest: str) -> bool:
    return any(flow.matches(method, service, rest) for flow in SENSITIVE_WRITES)


@dataclass(frozen=True)
class Budget:
    """`limit` requests a window for one key (a user or an IP, within one council)."""

    key: str
    limit: int


@dataclass(frozen=True)
class DefaultLimits:
    """The gateway's defaults; a council's `settings.rate_limits` override the first two."""

    sensitive_writes_per_minute: int = 20
    requests_per_minute: int = 600
    anonymous_per_ip_per_minute: int = 1200


def budgets_for(
    *,
    sensitive: bool,
    user: str | None,
    client_ip: str | None,
    tenant_settings: Any,
    defaults: DefaultLimits,
) -> list[Budget]:
    """The budgets one request spends. Keys are digests: no raw `sub` or IP is stored."""
    if user is None:
        if client_ip is None:
            return []
        return [Budget(_digest("ip", client_ip), defaults.anonymous_per_ip_per_minute)]
    configured = _read(tenant_settings, "rate_limits")
    overall = _limit(configured, "requests_per_minute", defaults.requests_per_minute)
    budgets = [Budget(_digest("user", user), overall)]
    if sensitive:
        writes = _limit(
            configured, "sensitive_writes_per_minute", defaults.sensitive_writes_per_minute
        )
        budgets.append(Budget(_digest("write", user), writes))
    return budgets


def _read(source: Any, name: str) -> Any:
    """A setting from a pydantic model or a plain mapping (older tenant documents)."""
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _limit(configured: Any, name: str, default: int) -> int:
    value = _read(configured, name)
    usable = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return int(value) if usable else default


def _digest(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.blake2b(value.encode(), digest_size=12).hexdigest()}"


@dataclass(frozen=True)
class Slot:
    """Request number `slot` of `key` in `window` (minutes since the epoch)."""

    tenant: str
    key: str
    window: int
    slot: int


class SlotStore(Protocol):
    """Where slots are claimed; MongoDB in the gateway, a dict in unit tests."""

    async def claim(self, slots: list[Slot], at: float) -> set[Slot]:
        """Insert the slots; return those another request already holds."""
        ...


@dataclass(frozen=True)
class Verdict:
    """Pass, or refuse and say when the window ends."""

    allowed: bool
    retry_after_s: int = 0


class RateLimiter:
    """Decides whether a request may pass; fails open (with a warning) if the store is down."""

    def __init__(
        self,
        store: SlotStore,
        *,
        clock: Callable[[], float] = time.time,
        fail_open_s: float = 5.0,
    ) -> None:
        self.store = store
        self._clock = clock
        self._fail_open_s = fail_open_s
        self._store_down_until = 0.0
        # (tenant, key, window) -> the next slot worth trying; everything below is taken.
        self._next_slot: dict[tuple[str, str, int], int] = {}
        self._window = -1

    async def check(self, tenant: str, budgets: list[Budget]) -> Verdict:
        now = self._clock()
        window = int(now // WINDOW_S)
        retry_after_s = max(1, math.ceil((window + 1) * WINDOW_S - now))
        self._forget_before(window)
        if not budgets or now < self._store_down_until:
            return Verdict(True)
        pending = {(tenant, b.key, window): b.limit for b in budgets}
        while pending:
            if any(self._next_slot.get(k, 1) > limit for k, limit in pending.items()):
                return Verdict(False, retry_after_s)  # full: no round trip needed
            slots = {k: self._take_next(k) for k in pending}
            try:
                taken = await self.store.claim(
                    [Slot(t, key, w, n) for (t, key, w), n in slots.items()], now
                )
            except PyMongoError as exc:
                for key in slots:  # not claimed after all: probe again from the start later
                    self._next_slot.pop(key, None)
                self._store_down_until = now + self._fail_open_s
                log.warning("rate_limit.store_unavailable", error=type(exc).__name__)
                return Verdict(True)
            # Claimed budgets are spent; the taken ones try their next slot.
            pending = {k: limit for k, limit in pending.items() if _as_slot(k, slots) in taken}
        return Verdict(True)

    def _take_next(self, key: tuple[str, str, int]) -> int:
        # Reserved locally before the insert, so this replica's own concurrent requests for
        # one key never collide with each other; only other replicas' claims cost a retry.
        slot = self._next_slot.get(key, 1)
        self._next_slot[key] = slot + 1
        return slot

    def _forget_before(self, window: int) -> None:
        if window != self._window:
            self._window = window
            self._next_slot = {k: n for k, n in self._next_slot.items() if k[2] >= window}


def _as_slot(key: tuple[str, str, int], slots: Mapping[tuple[str, str, int], int]) -> Slot:
    tenant, budget_key, window = key
    return Slot(tenant, budget_key, window, slots[key])


class EdgeRateLimits:
    """What the proxy calls for every request, after the caller is known."""

    def __init__(self, limiter: RateLimiter, defaults: DefaultLimits) -> None:
        self.limiter = limiter
        self.defaults = defaults

    async def enforce(
        self,
        *,
        tenant: str,
        tenant_settings: Any,
        method: str,
        path: str,
        user: str | None,
        client_ip: str | None,
    ) -> None:
        """Spend the request's budgets, or raise the 429 problem."""
        # /api/v1/{tenant}/{service}/{rest}
        _, _, _, _, service, rest = [*path.split("/", 5), ""][:6]
        budgets = budgets_for(
            sensitive=is_sensitive_write(method, service, rest),
            user=user,
            client_ip=client_ip,
            tenant_settings=tenant_settings,
            defaults=self.defaults,
        )
        verdict = await self.limiter.check(tenant, budgets)
        if not verdict.allowed:
            log.info("rate_limit.exceeded", retry_after_s=verdict.retry_after_s)
            raise too_many_requests(verdict.retry_after_s)


def too_many_requests(retry_after_s: int) -> Problem:
    """The 429 a client sees, in Ukrainian and English, with `Retry-After`."""
    return Problem(
        429,
        f"Забагато запитів. Спробуйте ще раз за {retry_after_s} с. "
        f"Too many requests. Try again in {retry_after_s} s.",
        headers={"Retry-After": str(retry_after_s)},
    )


__all__ = [
    "SENSITIVE_WRITES",
    "WINDOW_S",
    "Budget",
    "DefaultLimits",
    "EdgeRateLimits",
    "RateLimiter",
    "SensitiveWrite",
    "Slot",
    "SlotStore",
    "Verdict",
    "budgets_for",
    "is_sensitive_write",
    "too_many_requests",
]
